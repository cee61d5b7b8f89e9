using Microsoft.AspNetCore.Identity;

namespace Roster.Accounts;

public static class UserErrors
{
    public static readonly Error Forbidden = Error.Forbidden("forbidden", "You are not allowed to do this.");
    public static readonly Error NotFound = Error.NotFound("not_found", "There is no such user.");

    public static IEnumerable<Error> From(IdentityResult result) =>
        result.Errors.Select(e => e.Code switch
        {
            "DuplicateEmail" => new Error("email.taken", "Another account already uses this email address.", "Email"),
            "DuplicateUserName" => new Error("username.taken", "This username is already taken.", "Username"),
            "InvalidUserName" => new Error("username.invalid", e.Description, "Username"),
            "InvalidEmail" => new Error("email.invalid", e.Description, "Email"),
            _ when e.Code.StartsWith("Password", StringComparison.Ordinal) || e.Code.StartsWith("password.", StringComparison.Ordinal)
                => new Error(e.Code, e.Description, "Password"),
            _ => new Error(e.Code, e.Description),
        });
}
