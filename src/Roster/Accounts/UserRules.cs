using System.Net.Mail;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Roster.Data;

namespace Roster.Accounts;

/// <summary>The identifier rules of PRODUCT.md section 3, checked the same way for every surface.</summary>
public sealed class UserRules(RosterDb db, UserManager<User> users, IOptions<UserOptions> options)
{
    public const int MaxUsernameLength = 64;
    public const int MaxEmailLength = 64;
    public const int MaxNameLength = 256;

    /// <summary>Input as the rules see it: trimmed, and empty rather than missing (forms and JSON may leave fields out).</summary>
    public static string Clean(string? value) => value?.Trim() ?? "";

    public async Task<List<Error>> CheckUsernameAsync(string? username, Guid? except = null)
    {
        if (CheckUsernameShape(username) is { Count: > 0 } shape)
            return shape;
        var normalized = users.NormalizeName(username);
        if (await db.Users.AnyAsync(u => u.NormalizedUserName == normalized && u.Id != except))
            return [new("username.taken", $"The username \"{username}\" is already taken.", "Username")];
        return [];
    }

    /// <summary>The rules a username must meet apart from being free (an import checks that for many at once).</summary>
    public List<Error> CheckUsernameShape(string? username)
    {
        if (string.IsNullOrWhiteSpace(username))
            return [new("username.required", "Enter a username.", "Username")];
        if (username.Length > MaxUsernameLength || !username.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-'))
            return [new("username.invalid", $"A username has 1 to {MaxUsernameLength} letters, digits, dots (.) and hyphens (-)" +
                (username.Length > MaxUsernameLength ? $"; this one has {username.Length} characters." : "."), "Username")];
        if (options.Value.AllReservedUsernames.Contains(username, StringComparer.OrdinalIgnoreCase))
            return [new("username.reserved", $"The username \"{username}\" is reserved. Choose another.", "Username")];
        return [];
    }

    public async Task<List<Error>> CheckEmailAsync(string? email, Guid? except = null)
    {
        if (CheckEmailShape(email) is { Count: > 0 } shape)
            return shape;
        var normalized = users.NormalizeEmail(email);
        if (await db.Users.AnyAsync(u => u.NormalizedEmail == normalized && u.Id != except))
            return [new("email.taken", "Another account already uses this email address.", "Email")];
        return [];
    }

    /// <summary>The rules an email address must meet apart from being free.</summary>
    public static List<Error> CheckEmailShape(string? email)
    {
        if (string.IsNullOrWhiteSpace(email))
            return [new("email.required", "Enter an email address.", "Email")];
        if (email.Length > MaxEmailLength)
            return [new("email.too_long", $"An email address can have at most {MaxEmailLength} characters; this one has {email.Length}.", "Email")];
        if (HasHiddenCharacters(email))
            return [new("email.characters", HiddenCharactersMessage("An email address"), "Email")];
        if (!IsEmailAddress(email))
            return [new("email.invalid", $"\"{email}\" is not an email address.", "Email")];
        return [];
    }

    public static List<Error> CheckName(string? name) =>
        string.IsNullOrWhiteSpace(name) ? [new("name.required", "Enter a name.", "Name")]
        : name.Length > MaxNameLength ? [new("name.too_long", $"A name can have at most {MaxNameLength} characters; this one has {name.Length}.", "Name")]
        : HasHiddenCharacters(name) ? [new("name.characters", HiddenCharactersMessage("A name"), "Name")]
        : [];

    /// <summary>
    /// Control characters (NUL, line breaks, escapes) and invisible formatting characters (bidirectional
    /// overrides such as U+202E, zero-width spaces): they make one name look like another, or break the
    /// LDAP, mail and log lines a name ends up in.
    /// </summary>
    public static bool HasHiddenCharacters(string value) =>
        value.Any(c => char.IsControl(c) || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format);

    private static string HiddenCharactersMessage(string what) =>
        $"{what} cannot contain control characters or invisible formatting characters (such as text-direction overrides). Type it again without them.";

    public static readonly Error PasswordMismatch = new("password.mismatch", "The two passwords are not the same.", "Confirm");

    /// <summary>Length, breach list and personal parts (through Identity's validators), and the confirmation.</summary>
    public async Task<List<Error>> CheckPasswordAsync(User user, string? password, string? confirm)
    {
        if (string.IsNullOrEmpty(password))
            return [new("password.required", "Enter a password.", "Password")];
        var errors = await ValidatePasswordAsync(user, password);
        if (password != confirm)
            errors.Add(PasswordMismatch);
        return errors;
    }

    /// <summary>Identity's password validators (length, <see cref="PasswordRules"/>) on their own, without the confirmation.</summary>
    public async Task<List<Error>> ValidatePasswordAsync(User user, string password)
    {
        var errors = new List<Error>();
        foreach (var validator in users.PasswordValidators)
        {
            var result = await validator.ValidateAsync(users, user, password);
            errors.AddRange(result.Errors.Select(e => new Error(e.Code, e.Description, "Password")));
        }
        return errors;
    }

    private static bool IsEmailAddress(string value) =>
        MailAddress.TryCreate(value, out var address) && address.Address == value && value.Contains('.', StringComparison.Ordinal) &&
        !value.Any(char.IsWhiteSpace);
}
