using Microsoft.AspNetCore.Identity;

namespace Roster.Accounts;

/// <summary>
/// Replaces Identity's user validator, which insists on a username: an invited person may choose theirs
/// when accepting. The full rules (reserved names, lengths, uniqueness with clear messages) are in
/// <see cref="UserRules"/>, checked before any write; unique indexes guard against races.
/// </summary>
public sealed class UserValidator : IUserValidator<User>
{
    public Task<IdentityResult> ValidateAsync(UserManager<User> manager, User user) =>
        Task.FromResult(string.IsNullOrEmpty(user.Email)
            ? IdentityResult.Failed(new IdentityError { Code = "InvalidEmail", Description = "Every account needs an email address." })
            : IdentityResult.Success);
}
