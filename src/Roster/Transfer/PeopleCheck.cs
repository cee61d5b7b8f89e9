using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Roster.Accounts;
using Roster.Accounts.ForeignHashes;
using Roster.Data;

namespace Roster.Transfer;

/// <summary>
/// The people of an import, each checked by the rules every other way of adding people uses (<see cref="UserRules"/>),
/// against the rest of the file and against the directory. A person whose username exists is skipped and left exactly
/// as they are: an import adds, it never overwrites an account someone may be using.
/// </summary>
public sealed class PeopleCheck(RosterDb db, UserManager<User> users, UserRules rules, IDataProtectionProvider protection, TimeProvider clock)
{
    private readonly IDataProtector keys = protection.CreateProtector(TwoFactor.KeyPurpose);

    public async Task CheckAsync(Actor actor, ImportSource source, PreparedImport prepared, CancellationToken cancellationToken)
    {
        var existing = await db.Users.AsNoTracking().Select(u => new { u.Id, u.NormalizedUserName, u.NormalizedEmail }).ToListAsync(cancellationToken);
        var byEmail = existing.Where(u => u.NormalizedEmail != null).GroupBy(u => u.NormalizedEmail!).ToDictionary(g => g.Key, g => g.First().Id);
        var ids = existing.Select(u => u.Id).ToHashSet();
        foreach (var user in existing.Where(u => u.NormalizedUserName != null))
            prepared.PeopleByName[user.NormalizedUserName!] = user.Id;
        var seenNames = new Dictionary<string, int>();
        var seenEmails = new Dictionary<string, int>();
        var seenIds = new Dictionary<Guid, int>();
        var now = clock.GetUtcNow().UtcDateTime;

        foreach (var person in source.People)
        {
            if (person.InvitationPending)
            {
                prepared.Lines.Add(new(person.Line, "person", person.Email, ImportAction.Skip, "an invitation never accepted: invite them again"));
                continue;
            }
            var errors = new List<string>();
            var username = person.Username.Trim();
            var email = person.Email.Trim();
            errors.AddRange(rules.CheckUsernameShape(username).Select(e => e.Message));
            errors.AddRange(UserRules.CheckEmailShape(email).Select(e => e.Message));
            errors.AddRange(UserRules.CheckName(person.Name.Trim()).Select(e => e.Message));
            var role = ParseRole(person.Role);
            if (role is null)
                errors.Add($"The role \"{person.Role}\" is not one of User, UserManager, MailManager, Admin, Owner.");
            else if (!Permissions.AssignableRoles(actor).Contains(role.Value))
                errors.Add($"You may not give the role {role.Value.Label()}.");
            if (person.PasswordHash is { } hash && ForeignHash.ProblemForImport(hash) is { } problem)
                errors.Add(problem.EndsWith('.') ? problem : problem + ".");
            errors.AddRange(person.Groups.Where(g => !GroupsCheck.IsName(g)).Select(g => $"\"{g}\" is not a group name (1 to 64 letters, digits, dots and hyphens)."));
            var name = users.NormalizeName(username) ?? "";
            var mail = users.NormalizeEmail(email) ?? "";
            if (name.Length > 0 && !seenNames.TryAdd(name, person.Line))
                errors.Add($"The username {username} is also on line {seenNames[name]}.");
            if (mail.Length > 0 && !seenEmails.TryAdd(mail, person.Line))
                errors.Add($"The email address {email} is also on line {seenEmails[mail]}.");
            var key = person.TwoFactor is { } secret ? AuthenticatorKey(secret.Key) : null;
            if (person.TwoFactor is { } twoFactor && (key is null || twoFactor.RecoveryCodeHashes.Any(h => h is not { Length: 64 } || !h.All(char.IsAsciiHexDigitLower))))
                errors.Add("The two-factor key or a recovery code hash is not valid.");
            if (person.Id is { } givenId && !seenIds.TryAdd(givenId, person.Line))
                errors.Add($"The id {givenId} is also on line {seenIds[givenId]}.");
            if (errors.Count > 0)
            {
                prepared.Problems.Add(new(person.Line, $"{Label(username, email)}: {string.Join(" ", errors)}"));
                continue;
            }

            if (prepared.PeopleByName.TryGetValue(name, out var existingId))
            {
                if (byEmail.TryGetValue(mail, out var owner) && owner != existingId)
                    prepared.Problems.Add(new(person.Line, $"{username}: exists, and the email address {email} belongs to another existing account."));
                else
                    prepared.Lines.Add(new(person.Line, "person", username, ImportAction.Skip, "already exists; left as it is"));
                continue;
            }
            if (byEmail.ContainsKey(mail))
            {
                prepared.Problems.Add(new(person.Line, $"{username}: the email address {email} belongs to an existing account with another username."));
                continue;
            }
            if (person.Id is { } id && ids.Contains(id))
            {
                prepared.Problems.Add(new(person.Line, $"{username}: the id {id} belongs to an existing account with another username."));
                continue;
            }
            var user = new User
            {
                Id = person.Id ?? Guid.CreateVersion7(),
                UserName = username,
                NormalizedUserName = name,
                Email = email,
                NormalizedEmail = mail,
                EmailConfirmed = person.EmailConfirmed,
                EmailVisible = person.EmailVisible,
                Name = person.Name.Trim(),
                Role = role!.Value,
                Enabled = person.Enabled,
                PasswordHash = person.PasswordHash,
                SecurityStamp = Convert.ToHexString(RandomNumberGenerator.GetBytes(20)),
                ConcurrencyStamp = Guid.NewGuid().ToString(),
                LockoutEnabled = users.Options.Lockout.AllowedForNewUsers,
                CreatedAt = person.CreatedAt ?? now,
                UpdatedAt = now,
            };
            if (person.TwoFactor is { } carried)
            {
                // Protected now, before the import's transaction: the first use of the key ring writes to the database.
                user.TwoFactorEnabled = true;
                prepared.TwoFactorKeys.Add(new TwoFactorKey
                {
                    UserId = user.Id, ProtectedKey = Convert.ToBase64String(keys.Protect(key!)), LastUsedStep = carried.LastUsedStep, CreatedAt = now, ConfirmedAt = now,
                });
                prepared.RecoveryCodes.AddRange(carried.RecoveryCodeHashes.Distinct().Select(h => new RecoveryCode { UserId = user.Id, CodeHash = h }));
            }
            prepared.People.Add(user);
            prepared.PeopleByName[name] = user.Id;
            prepared.Lines.Add(new(person.Line, "person", username, ImportAction.Create, Describe(person, user.Role)));
        }
    }

    /// <summary>An exported authenticator key: base64 of 10 to 64 bytes.</summary>
    private static byte[]? AuthenticatorKey(string? text)
    {
        var buffer = new byte[64];
        return text is { Length: <= 88 } && Convert.TryFromBase64String(text, buffer, out var length) && length >= 10 ? buffer[..length] : null;
    }

    private static string Label(string username, string email) => username.Length > 0 ? username : email.Length > 0 ? email : "(no username)";

    private static string Describe(IncomingPerson person, Role role) => string.Join(", ", new[]
    {
        role == Role.User ? null : role.Label(),
        person.Enabled ? null : "disabled",
        person.TwoFactor is not null ? "two-factor kept" : person.TwoFactorEnabled ? "two-factor not in the export: they set it up again" : null,
        person.PasswordHash is { } hash ? $"password hash: {ForeignHash.Find(hash)?.Name ?? "ASP.NET Identity"}" : "no password (they choose one with \"Forgot password?\")",
    }.OfType<string>());

    public static Role? ParseRole(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return Role.User;
        var compact = text.Replace("-", "").Replace("_", "").Replace(" ", "");
        return Enum.TryParse<Role>(compact, ignoreCase: true, out var role) && Enum.IsDefined(role) && !compact.All(char.IsAsciiDigit) ? role : null;
    }
}
