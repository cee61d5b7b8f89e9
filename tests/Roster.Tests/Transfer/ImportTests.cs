using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Roster.Tests.Infrastructure;
using Roster.Transfer;

namespace Roster.Tests.Transfer;

/// <summary>
/// What an import stores and what it refuses: every bad row reported with its line, and then nothing stored at all;
/// existing people skipped and left alone; LDIF as slapcat writes it. Runs on both database providers.
/// </summary>
public abstract class ImportTests(RosterFixture fixture)
{
    private RosterServer Server => fixture.Server;

    private static string NewName(string prefix = "i") => prefix + Guid.NewGuid().ToString("N")[..8];

    private Task<Result<ImportPlan>> ImportAsync(string text, ImportFormat format = ImportFormat.Csv, Actor? actor = null) =>
        Server.WithAsync(services => services.GetRequiredService<PeopleImport>().ImportAsync(actor ?? Actor.Operator, format, text, "test"));

    private Task<int> CountAsync(string prefix) => Server.QueryAsync(db => db.Users.CountAsync(u => u.UserName!.StartsWith(prefix)));

    private const string Hash = "{SSHA}jerJJ9Smd+deKoNrU2pgTDEicYaUZ/pI";

    [Fact]
    public async Task BadRowsAreEachReportedWithTheirLineAndNothingIsStored()
    {
        var p = NewName();
        var existing = await Server.CreateUserAsync(NewName("x"), "a long test password");
        var csv = string.Join("\n",
            "username,email,name,groups,password_hash",
            $"{p}a,{p}a@example.org,Good Person,{p}-staff,{Hash}",
            $"{p}b,{p}b@example.org,Unknown Hash,,{{MD5}}CY9rzUYh03PK3k6DJie09g==",
            $"{p}a,{p}c@example.org,Same Username,,",
            $"{p}d,{p}A@EXAMPLE.org,Same Email,,",
            $"{p}e,{existing.Email},Taken Email,,",
            $"{p}f,,No Email,,",
            $"{p}g,{p}g@example.org,\"Broken \"quote\",,",
            $"{p}h,{p}h@example.org,Costly,,$pbkdf2-sha256$99000000$c2FsdHNhbHQ$YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXo",
            $"{p}i,{p}i@example.org,Costly argon,,\"$argon2id$v=19$m=4194304,t=3,p=1$c2FsdHNhbHRzYWx0$YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXo\"");
        var plan = (await ImportAsync(csv)).Value!;

        Assert.False(plan.Succeeded);
        var lines = plan.Problems.ToDictionary(p => p.Line, p => p.Message);
        Assert.Equal([3, 4, 5, 6, 7, 8, 9, 10], lines.Keys.Order());
        Assert.Contains("no format Roster knows", lines[3]);
        Assert.Contains("also on line 2", lines[4]);
        Assert.Contains("also on line 2", lines[5]);
        Assert.Contains("belongs to an existing account", lines[6]);
        Assert.Contains("Enter an email address", lines[7]);
        Assert.Contains("Broken CSV quoting", lines[8]);
        Assert.Contains("5,000,000", lines[9]);
        Assert.Contains("262144 KiB", lines[10]);
        Assert.Equal(0, await CountAsync(p));
        Assert.False(await Server.QueryAsync(db => db.Groups.AnyAsync(g => g.Name == $"{p}-staff")));
    }

    [Fact]
    public async Task AnUnclosedQuoteAndAWrongHeaderAreReportedWhereTheyStart()
    {
        var p = NewName();
        var unclosed = (await ImportAsync($"username,email,name\n{p}a,{p}a@example.org,Fine\n{p}b,{p}b@example.org,\"never closed\n")).Value!;
        Assert.Equal(3, Assert.Single(unclosed.Problems).Line);
        var header = (await ImportAsync($"user,email,name\n{p}a,{p}a@example.org,Fine\n")).Value!;
        Assert.Contains("missing: username", Assert.Single(header.Problems).Message);
        Assert.Equal(0, await CountAsync(p));
    }

    [Fact]
    public async Task ExistingPeopleAreSkippedAndLeftAsTheyAreWhileNewOnesAndTheirGroupsAreAdded()
    {
        var p = NewName();
        var existing = await Server.CreateUserAsync(p + "old", "a long test password");
        var before = (await Server.StoredUserAsync(existing.Id)).PasswordHash;
        var csv = $"username,email,name,role,groups,password_hash,enabled\n{existing.UserName},{existing.Email},Other Name,admin,{p}-g,{Hash},false\n" +
            $"{p}new,{p}new@example.org,New Person,UserManager,{p}-g,{Hash},false\n";

        var dry = await Server.WithAsync(services => services.GetRequiredService<PeopleImport>().PreviewAsync(Actor.Operator, ImportFormat.Csv, csv));
        Assert.Equal(0, await CountAsync(p + "new"));
        var plan = (await ImportAsync(csv)).Value!;

        Assert.Equal(dry.Value!.Digest, plan.Digest);
        Assert.Equal(ImportAction.Skip, plan.Lines.Single(l => l.Name == existing.UserName).Action);
        var kept = await Server.StoredUserAsync(existing.Id);
        Assert.Equal((existing.Name, Role.User, true, before), (kept.Name, kept.Role, kept.Enabled, kept.PasswordHash));
        var created = await Server.QueryAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.UserName == p + "new"));
        Assert.Equal((Role.UserManager, false, Hash), (created.Role, created.Enabled, created.PasswordHash));
        Assert.True(created.UidNumber > 0);
        var members = await Server.QueryAsync(db => db.GroupMembers.Where(m => db.Groups.Any(g => g.Id == m.GroupId && g.Name == p + "-g")).Select(m => m.UserId).ToListAsync());
        Assert.Equal(new[] { created.Id, existing.Id }.Order(), members.Order());
        Assert.True(await Server.QueryAsync(db => db.AuditEvents.AnyAsync(e => e.Action == "user.imported" && e.TargetId == created.Id)));
    }

    [Fact]
    public async Task AnLdifDumpWithFoldedLinesAndBase64ValuesImportsPeopleGroupsAndMembers()
    {
        var p = NewName();
        var name = Convert.ToBase64String("Zoë Ünïcode"u8.ToArray());
        var password = Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(Hash));
        var ldif = $"""
            version: 1

            dn: dc=example,dc=org
            objectClass: dcObject
            dc: example

            # a person
            dn: uid={p}z,ou=people,dc=example,dc=org
            objectClass: inetOrgPerson
            objectClass: posixAccount
            uid: {p}z
            cn:: {name}
            mail: {p}z@exam
             ple.org
            userPassword:: {password}

            dn: uid={p}y,ou=people,dc=example,dc=org
            objectClass: inetOrgPerson
            uid: {p}y
            cn: Locked Person
            mail: {p}y@example.org
            nsAccountLock: true

            dn: cn={p}-team,ou=groups,dc=example,dc=org
            objectClass: groupOfUniqueNames
            cn: {p}-team
            uniqueMember: uid={p}z,ou=people,dc=example,dc=org
            uniqueMember: cn=admin,dc=example,dc=org

            dn: cn={p}-posix,ou=groups,dc=example,dc=org
            objectClass: posixGroup
            cn: {p}-posix
            memberUid: {p}y

            """;
        var plan = (await ImportAsync(ldif, ImportFormat.Ldif)).Value!;

        Assert.True(plan.Succeeded, string.Join("\n", plan.Problems));
        var zoe = await Server.QueryAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.UserName == p + "z"));
        Assert.Equal(("Zoë Ünïcode", $"{p}z@example.org", Hash, true), (zoe.Name, zoe.Email, zoe.PasswordHash, zoe.Enabled));
        Assert.False((await Server.QueryAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.UserName == p + "y"))).Enabled);
        var groups = await Server.QueryAsync(db => db.Groups.Where(g => g.Name.StartsWith(p)).Select(g => new { g.Name, Count = db.GroupMembers.Count(m => m.GroupId == g.Id) }).ToListAsync());
        Assert.Equal([(p + "-posix", 1), (p + "-team", 1)], groups.Select(g => (g.Name, g.Count)).Order());
    }

    [Fact]
    public async Task AuthenticatorKeysTravelOnlyInAnExportWithSecrets()
    {
        var p = NewName();
        var person = await Server.CreateUserAsync(p + "t", "a long test password");
        var key = await Server.WithAsync(async services =>
        {
            var stored = await services.GetRequiredService<Roster.Data.RosterDb>().Users.SingleAsync(u => u.Id == person.Id);
            var twoFactor = services.GetRequiredService<Roster.Accounts.TwoFactor>();
            var started = await twoFactor.StartAsync(stored, default);
            Assert.True((await twoFactor.ConfirmAsync(stored, Authenticator.CodeNow(started, Server), default)).Succeeded);
            return started;
        });

        foreach (var withSecrets in new[] { true, false })
        {
            var document = (await Server.WithAsync(services => services.GetRequiredService<DirectoryExport>().ExportAsync(Actor.Operator, withSecrets))).Value!;
            var exported = document.People.Single(u => u.Id == person.Id);
            Assert.Equal(withSecrets, exported.TwoFactor is not null);
            // The same person again under a new name and id, so the import creates them beside the original.
            var copy = exported with { Id = Guid.CreateVersion7(), Username = $"{p}c{withSecrets}", Email = $"{p}c{withSecrets}@example.org" };
            var json = System.Text.Json.JsonSerializer.Serialize(document with { People = [copy], Groups = [], Apps = [] }, TransferJson.Options);
            var plan = (await ImportAsync(json, ImportFormat.Json)).Value!;
            Assert.True(plan.Succeeded, string.Join("\n", plan.Problems));
            Assert.Contains(withSecrets ? "two-factor kept" : "they set it up again", plan.Lines.Single().Note);

            var imported = await Server.StoredUserAsync(copy.Id);
            Assert.Equal(withSecrets, imported.TwoFactorEnabled);
            var carried = await Server.WithAsync(async services =>
            {
                var row = await services.GetRequiredService<Roster.Data.RosterDb>().TwoFactorKeys.AsNoTracking().SingleOrDefaultAsync(k => k.UserId == copy.Id);
                var protector = Microsoft.AspNetCore.DataProtection.DataProtectionCommonExtensions.CreateProtector(
                    services.GetRequiredService<Microsoft.AspNetCore.DataProtection.IDataProtectionProvider>(), Roster.Accounts.TwoFactor.KeyPurpose);
                return row is null ? null : protector.Unprotect(Convert.FromBase64String(row.ProtectedKey));
            });
            Assert.Equal(withSecrets ? key : null, carried);
            Assert.Equal(withSecrets ? 10 : 0, await Server.QueryAsync(db => db.RecoveryCodes.CountAsync(c => c.UserId == copy.Id)));
        }
    }

    [Fact]
    public async Task OnlyAnAdministratorMayImport()
    {
        var p = NewName();
        var manager = await Server.CreateUserAsync(p + "m", "a long test password", Role.UserManager);
        var refused = await ImportAsync($"username,email,name\n{p}a,{p}a@example.org,A\n", actor: Actor.For(manager));
        Assert.Equal("import.forbidden", Assert.Single(refused.Errors).Code);
        Assert.Equal(0, await CountAsync(p + "a"));
    }
}

public sealed class ImportOnSqlite(SqliteRoster fixture) : ImportTests(fixture), IClassFixture<SqliteRoster>;

public sealed class ImportOnPostgres(PostgresRoster fixture) : ImportTests(fixture), IClassFixture<PostgresRoster>;
