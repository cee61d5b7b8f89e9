using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Roster.Accounts;
using Roster.Apps;
using Roster.Data;
using Roster.DirectoryServer;
using Roster.Groups;
using Roster.Ldap;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Ldap;

/// <summary>
/// The directory kept current change by change must be the directory read afresh. Random saves of every kind that
/// LDAP shows (people renamed, disabled, invited, deleted, given roles; groups made, renamed, deleted; members
/// added and removed; SSH keys added and removed; apps given access rules and service accounts) are made through EF, as the workflows make
/// them, and after each one every entry each identity sees is compared with a fresh read.
/// </summary>
public abstract class DirectoryImageTests(string provider) : IAsyncLifetime
{
    private const int Steps = 120;

    private TestDatabase database = null!;
    private RosterServer server = null!;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync(provider);
        server = await RosterServer.StartAsync(database);
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        await database.DisposeAsync();
    }

    [Fact]
    public async Task TheDirectoryKeptByChangesIsTheDirectoryReadAfresh()
    {
        var random = new Random(provider.Length * 7919 + Environment.TickCount % 1000);
        var seed = random.Next();
        random = new Random(seed);
        for (var i = 0; i < 12; i++)
            await ChangeAsync(db => AddPerson(db, random));
        for (var i = 0; i < 4; i++)
            await ChangeAsync(db => AddGroup(db, random));
        for (var i = 0; i < 2; i++)
            await ChangeAsync(db => AddApp(db, random));
        await AssertSameAsync($"seed {seed}, after seeding");

        var steps = new Func<RosterDb, Task>[]
        {
            db => AddPerson(db, random),
            db => Person(db, random, u => { u.UserName = u.NormalizedUserName = "p" + random.Next(100_000); u.NormalizedUserName = u.UserName.ToUpperInvariant(); }),
            db => Person(db, random, u => u.Name = random.Next(3) == 0 ? "Solo" : $"Given{random.Next(100)} Family{random.Next(100)}"),
            db => Person(db, random, u => u.Email = random.Next(3) == 0 ? null : $"m{random.Next(100_000)}@example.org"),
            db => Person(db, random, u => u.Enabled = !u.Enabled),
            db => Person(db, random, u => u.InvitationPending = !u.InvitationPending),
            db => Person(db, random, u => u.Role = u.Role == Role.User ? Role.Admin : Role.User),
            db => Person(db, random, u => db.Users.Remove(u)),
            db => AddGroup(db, random),
            db => Group(db, random, g => { g.Name = "g" + random.Next(100_000); g.NormalizedName = g.Name.ToUpperInvariant(); }),
            db => Group(db, random, g => g.Description = "about " + random.Next(100)),
            DeleteUnusedGroupAsync,
            async db => await AddMemberAsync(db, random),
            async db => await AddMemberAsync(db, random),
            db => Pick(db.GroupMembers, random, m => db.GroupMembers.Remove(m)),
            db => AddApp(db, random),
            db => Pick(db.Apps, random, a => a.Access = a.Access == AppAccess.Everyone ? AppAccess.Groups : AppAccess.Everyone),
            db => Pick(db.Apps, random, a => a.LdapPasswordHash = a.LdapPasswordHash is null ? "hash" + random.Next() : null),
            async db =>
            {
                var app = await db.Apps.OrderBy(a => a.Id).Skip(random.Next(await db.Apps.CountAsync())).FirstAsync();
                var group = await db.Groups.OrderBy(g => g.Id).Skip(random.Next(Math.Max(1, await db.Groups.CountAsync()))).FirstOrDefaultAsync();
                if (group is not null && !await db.AppGroups.AnyAsync(r => r.AppId == app.Id && r.GroupId == group.Id))
                    db.AppGroups.Add(new AppGroup { AppId = app.Id, GroupId = group.Id });
            },
            db => Pick(db.AppGroups, random, r => db.AppGroups.Remove(r)),
            db => Person(db, random, u => db.SshKeys.Add(new SshKey
            {
                Id = Guid.NewGuid(), UserId = u.Id, Type = "ssh-ed25519", PublicKey = "AAAAC3NzaC1lZDI1NTE5AAAA" + random.Next(), Comment = random.Next(2) == 0 ? "" : "laptop",
                Fingerprint = "SHA256:" + Guid.NewGuid().ToString("N"), Bits = 256, CreatedAt = DateTime.UtcNow,
            })),
            db => Pick(db.SshKeys, random, k => db.SshKeys.Remove(k)),
        };
        for (var step = 0; step < Steps; step++)
        {
            var kind = random.Next(steps.Length);
            await ChangeAsync(db => steps[kind](db));
            await AssertSameAsync($"seed {seed}, step {step} (change kind {kind})");
        }
    }

    [Fact]
    public async Task ASearchBetweenASaveAndItsCommitDoesNotHideTheCommittedChangeFromTheNextSearch()
    {
        Group group = null!;
        await ChangeAsync(db =>
        {
            group = new Group { Id = Guid.NewGuid(), Name = "committed", NormalizedName = "COMMITTED", CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow };
            db.Groups.Add(group);
            return Task.CompletedTask;
        });
        var directory = server.App.Services.GetRequiredService<LdapDirectory>();
        var someone = new PersonIdentity(server.App.Services.GetRequiredService<DirectoryTree>().UserDn("anyone"), Guid.Empty);
        var member = await server.CreateUserAsync("member1", "a long test password");
        Assert.DoesNotMatch(MemberOfCommitted, await RenderAsync(directory, someone));

        await using var scope = server.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RosterDb>();
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            db.GroupMembers.Add(new GroupMember { GroupId = group.Id, UserId = member.Id, AddedAt = DateTime.UtcNow });
            await db.SaveChangesAsync();
            // Another search comes in before the commit, and reads the membership as it still is.
            Assert.DoesNotMatch(MemberOfCommitted, await RenderAsync(directory, someone));
            await transaction.CommitAsync();
        }

        Assert.Matches(MemberOfCommitted, await RenderAsync(directory, someone));
    }

    /// <summary>The group "committed" listing member1, in <see cref="Render(IEnumerable{DirectoryEntry})"/>'s text.</summary>
    private const string MemberOfCommitted = @"cn=committed,ou=groups,dc=example,dc=org\n(  .*\n)*?  member: uid=member1,";

    [Fact]
    public async Task AMembershipHeardOfBeforeItsGroupStillListsThePersonOnceTheGroupArrives()
    {
        // As when one read of a change straddles the commit of another: the person's membership is read, the group
        // not yet. Applied in that order, the image must still end as a fresh read.
        var alice = await server.CreateUserAsync("alice1", "a long test password");
        await using var scope = server.App.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<RosterDb>();
        var access = services.GetRequiredService<AppAccessPolicy>();
        var tree = services.GetRequiredService<DirectoryTree>();
        var posix = services.GetRequiredService<PosixAttributes>();
        var image = await DirectoryImage.LoadAsync(db, access, tree, posix, CancellationToken.None);

        var group = new Group { Id = Guid.NewGuid(), Name = "late", NormalizedName = "LATE", CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow };
        await ChangeAsync(change =>
        {
            change.Groups.Add(group);
            change.GroupMembers.Add(new GroupMember { GroupId = group.Id, UserId = alice.Id, AddedAt = DateTime.UtcNow });
            return Task.CompletedTask;
        });
        await image.ApplyAsync(new DirectoryChange(new HashSet<Guid> { alice.Id }, new HashSet<Guid>(), new HashSet<Guid>()), db, access, CancellationToken.None);
        await image.ApplyAsync(new DirectoryChange(new HashSet<Guid>(), new HashSet<Guid> { group.Id }, new HashSet<Guid>()), db, access, CancellationToken.None);

        var fresh = await DirectoryImage.LoadAsync(db, access, tree, posix, CancellationToken.None);
        Assert.Equal(Render(fresh.Everyone), Render(image.Everyone));
        Assert.Contains("member: uid=alice1,", Render(image.Everyone));
    }

    private async Task ChangeAsync(Func<RosterDb, Task> change)
    {
        await using var scope = server.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RosterDb>();
        await change(db);
        await db.SaveChangesAsync();
    }

    private Task AddPerson(RosterDb db, Random random)
    {
        var name = "p" + random.Next(100_000);
        db.Users.Add(new User
        {
            Id = Guid.NewGuid(), UserName = name, NormalizedUserName = name.ToUpperInvariant(), Name = $"Person {name}",
            Email = name + "@example.org", NormalizedEmail = (name + "@example.org").ToUpperInvariant(), SecurityStamp = Guid.NewGuid().ToString(),
            CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
        });
        return Task.CompletedTask;
    }

    private Task AddGroup(RosterDb db, Random random)
    {
        var name = "g" + random.Next(100_000);
        db.Groups.Add(new Group { Id = Guid.NewGuid(), Name = name, NormalizedName = name.ToUpperInvariant(), CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow });
        return Task.CompletedTask;
    }

    private Task AddApp(RosterDb db, Random random)
    {
        var name = "a" + random.Next(100_000);
        db.Apps.Add(new App { Id = Guid.NewGuid(), Name = name, ClientId = name, LaunchUrl = "https://app.example.org", LdapPasswordHash = "hash", Access = AppAccess.Groups, CreatedAt = DateTime.UtcNow });
        return Task.CompletedTask;
    }

    private static Task Person(RosterDb db, Random random, Action<User> change) =>
        Pick(db.Users.Where(u => u.Role != Role.Owner), random, change);

    private static Task Group(RosterDb db, Random random, Action<Group> change) => Pick(db.Groups, random, change);

    private static async Task DeleteUnusedGroupAsync(RosterDb db)
    {
        if (await db.Groups.FirstOrDefaultAsync(g => !db.AppGroups.Any(r => r.GroupId == g.Id)) is { } group)
            db.Groups.Remove(group);
    }

    private static async Task AddMemberAsync(RosterDb db, Random random)
    {
        var user = await db.Users.OrderBy(u => u.Id).Skip(random.Next(await db.Users.CountAsync())).FirstAsync();
        var groupCount = await db.Groups.CountAsync();
        if (groupCount == 0)
            return;
        var group = await db.Groups.OrderBy(g => g.Id).Skip(random.Next(groupCount)).FirstAsync();
        if (!await db.GroupMembers.AnyAsync(m => m.GroupId == group.Id && m.UserId == user.Id))
            db.GroupMembers.Add(new GroupMember { GroupId = group.Id, UserId = user.Id, AddedAt = DateTime.UtcNow });
    }

    private static async Task Pick<T>(IQueryable<T> rows, Random random, Action<T> change) where T : class
    {
        var all = await rows.AsTracking().ToListAsync();
        if (all.Count > 0)
            change(all[random.Next(all.Count)]);
    }

    private async Task AssertSameAsync(string when)
    {
        var directory = server.App.Services.GetRequiredService<LdapDirectory>();
        var tree = server.App.Services.GetRequiredService<DirectoryTree>();
        await using var scope = server.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RosterDb>();
        var fresh = await DirectoryImage.LoadAsync(db, scope.ServiceProvider.GetRequiredService<AppAccessPolicy>(), tree, scope.ServiceProvider.GetRequiredService<PosixAttributes>(), CancellationToken.None);
        var someone = new PersonIdentity(tree.UserDn("anyone"), Guid.Empty);
        Assert.True(Render(fresh.Everyone) == await RenderAsync(directory, someone), $"{when}: what a person sees differs");
        // Linux hosts look people up by number through an index of their own.
        foreach (var person in fresh.Everyone.People())
        {
            var number = person.Find(Schema.UidNumber)!.Values[0];
            var found = await RenderAsync(directory, someone, new EqualityFilter("uidNumber", "0" + number), people: true);
            Assert.True(Render([person]) == found, $"{when}: uidNumber {number} finds {found}");
        }
        foreach (var app in await db.Apps.AsNoTracking().ToListAsync())
        {
            var view = fresh.ForApp(app.Id);
            var kept = await RenderAsync(directory, new ServiceIdentity(tree.Base, app.Id));
            Assert.True((view is null ? "" : Render(view)) == kept, $"{when}: what app {app.ClientId} sees differs");
        }
    }

    private static string Render(DirectoryImage.DirectoryView view) => Render(view.People().Concat(view.Groups()));

    private static async Task<string> RenderAsync(IDirectory directory, BoundIdentity who, Filter? filter = null, bool people = false)
    {
        var query = new DirectoryQuery(true, !people, DistinguishedName.Root, SearchScope.WholeSubtree, filter ?? new PresentFilter("objectClass"));
        var entries = new List<DirectoryEntry>();
        await foreach (var entry in directory.SearchAsync(who, query, CancellationToken.None))
            entries.Add(entry);
        return Render(entries);
    }

    private static string Render(IEnumerable<DirectoryEntry> entries) => string.Join("\n", entries
        .Select(e => e.ToString() + "\n" + string.Join("\n", e.Attributes.Select(a => $"  {a.Type.Name}: {string.Join(" | ", a.Values)}")))
        .Order(StringComparer.Ordinal));
}

public sealed class DirectoryImageOnSqlite() : DirectoryImageTests("Sqlite");

public sealed class DirectoryImageOnPostgres() : DirectoryImageTests("Postgres");
