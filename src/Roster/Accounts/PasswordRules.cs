using Microsoft.AspNetCore.Identity;

namespace Roster.Accounts;

/// <summary>
/// Identity checks the length; this refuses what length cannot catch: passwords from breach lists and
/// passwords built from the account's own name or address. Runs on every password set (create, reset,
/// invitation, change).
/// </summary>
public sealed class PasswordRules : IPasswordValidator<User>
{
    private static readonly Lazy<HashSet<string>> Common = new(LoadCommonPasswords);

    public Task<IdentityResult> ValidateAsync(UserManager<User> manager, User user, string? password)
    {
        var errors = new List<IdentityError>();
        if (string.IsNullOrEmpty(password))
            return Task.FromResult(IdentityResult.Success);
        if (Common.Value.Contains(password.ToLowerInvariant()) || password.Distinct().Count() <= 2)
            errors.Add(new IdentityError { Code = "password.common", Description = "This password is among the most common leaked passwords. Choose another." });
        foreach (var part in PersonalParts(user))
            if (password.Contains(part, StringComparison.OrdinalIgnoreCase))
            {
                errors.Add(new IdentityError { Code = "password.personal", Description = "The password must not contain your username or email address." });
                break;
            }
        return Task.FromResult(errors.Count == 0 ? IdentityResult.Success : IdentityResult.Failed([.. errors]));
    }

    private static IEnumerable<string> PersonalParts(User user) =>
        new[] { user.UserName, user.Email, user.Email?.Split('@')[0] }
            .Where(p => p is { Length: >= 3 })
            .Select(p => p!);

    private static HashSet<string> LoadCommonPasswords()
    {
        using var stream = typeof(PasswordRules).Assembly.GetManifestResourceStream("Roster.Accounts.common-passwords.txt")
            ?? throw new InvalidOperationException("The common password list is not embedded.");
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
            if (line.Length > 0 && !line.StartsWith('#'))
                set.Add(line.Trim().ToLowerInvariant());
        return set;
    }
}
