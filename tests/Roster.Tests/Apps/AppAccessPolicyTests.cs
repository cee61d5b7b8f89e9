using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Roster.Apps;
using Roster.Data;
using Roster.Groups;
using Roster.Tests.Infrastructure;
using Roster.Users;

namespace Roster.Tests.Apps;

/// <summary>
/// <see cref="AppAccessPolicy"/>, the one answer to "may this person use this app?", on a real database.
/// It has four forms: by person and app id (launcher, API), by person id and client id (OpenID Connect),
/// as the people of an app (LDAP) and as the SQL condition the token refresh runs; all must agree.
/// </summary>
public abstract class AppAccessPolicyTests(RosterFixture fixture)
{
    private const string Password = "a long test password";
    private RosterServer Server => fixture.Server;
    private static string Unique() => Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task TheAccessRuleIsDecidedInOnePlaceForMembersOutsidersAdminsAndDisabledPeople()
    {
        var member = await Server.CreateUserAsync("member" + Unique(), "a long test password");
        var outsider = await Server.CreateUserAsync("outsider" + Unique(), "a long test password");
        var admin = await Server.CreateUserAsync("admin" + Unique(), "a long test password", Role.Admin);
        var disabled = await Server.CreateUserAsync("gone" + Unique(), "a long test password", enabled: false);
        var (_, browser) = await Server.SignedInAsync(Role.Admin);
        var group = await browser.SubmitAsync("/groups", new Dictionary<string, string> { ["Name"] = "g" + Unique() });
        var groupId = Guid.Parse(group.Location!.Split('?')[0].Split('/').Last());
        var groupPath = $"/group/{groupId}";
        await browser.SubmitAsync(groupPath, groupPath + "?handler=Add", new Dictionary<string, string> { ["Add"] = $"{member.UserName} {disabled.UserName}" });
        var registered = await browser.SubmitAsync("/apps", new Dictionary<string, string>
        {
            ["Name"] = "Secret", ["LaunchUrl"] = "https://secret.example.org", ["DirectoryMode"] = "UseRoster", ["Access"] = "Groups", ["Groups"] = groupId.ToString(),
        });
        var appId = Guid.Parse(registered.Location!.Split('?')[0].Split('/').Last());

        await using var scope = Server.App.Services.CreateAsyncScope();
        var access = scope.ServiceProvider.GetRequiredService<AppAccessPolicy>();
        Assert.True(await access.MayUseAsync(member, appId));
        Assert.False(await access.MayUseAsync(outsider, appId));
        Assert.True(await access.MayUseAsync(admin, appId));
        Assert.False(await access.MayUseAsync(disabled, appId));

        using var memberApi = await Server.ApiClientAsync(member);
        using var outsiderApi = await Server.ApiClientAsync(outsider);
        Assert.Contains("Secret", await memberApi.GetStringAsync("/api/v1/apps"));
        Assert.DoesNotContain("Secret", await outsiderApi.GetStringAsync("/api/v1/apps"));
    }

    [Fact]
    public async Task EveryFormOfTheAccessRuleGivesTheSameAnswers()
    {
        var member = await Server.CreateUserAsync("rule" + Unique(), "a long test password");
        var outsider = await Server.CreateUserAsync("rule" + Unique(), "a long test password");
        var admin = await Server.CreateUserAsync("rule" + Unique(), "a long test password", Role.Admin);
        var disabledAdmin = await Server.CreateUserAsync("rule" + Unique(), "a long test password", Role.Admin, enabled: false);
        var disabledMember = await Server.CreateUserAsync("rule" + Unique(), "a long test password", enabled: false);
        var invited = await Server.CreateUserAsync("rule" + Unique(), "a long test password");
        await Server.QueryAsync(async db =>
        {
            (await db.Users.SingleAsync(u => u.Id == invited.Id)).InvitationPending = true;
            return await db.SaveChangesAsync();
        });
        await using var scope = Server.App.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var groups = services.GetRequiredService<Roster.Groups.GroupChanges>();
        var group = (await groups.CreateAsync(Roster.Kernel.Actor.Operator, "rule-" + Unique(), "")).Value!;
        await groups.AddMembersAsync(Roster.Kernel.Actor.Operator, group.Id, [member.UserName!, disabledMember.UserName!, invited.UserName!]);
        var apps = services.GetRequiredService<AppChanges>();
        var restricted = (await apps.RegisterAsync(Roster.Kernel.Actor.Operator, new AppSettings("Rule" + Unique(), "https://rule.example.org", "", DirectoryMode.UseRoster, AppAccess.Groups, [group.Id]))).Value!;
        var open = (await apps.RegisterAsync(Roster.Kernel.Actor.Operator, new AppSettings("Open" + Unique(), "https://open.example.org", "", DirectoryMode.UseRoster, AppAccess.Everyone, []))).Value!;
        var access = services.GetRequiredService<AppAccessPolicy>();
        var db = services.GetRequiredService<Roster.Data.RosterDb>();
        var direct = services.GetRequiredService<Roster.Data.DirectConnections>();

        Task<bool> SqlAsync(Guid userId, Guid appId) =>
            direct.QueryAsync($"SELECT CASE WHEN {AppAccessPolicy.MayUseSql("@user", "@app")} THEN 1 ELSE 0 END",
                [("user", userId), ("app", appId)],
                async reader => await reader.ReadAsync() && Convert.ToInt32(reader.GetValue(0)) == 1,
                CancellationToken.None);

        var expected = new Dictionary<(Guid, Guid), bool>
        {
            [(member.Id, restricted.Id)] = true, [(member.Id, open.Id)] = true,
            [(outsider.Id, restricted.Id)] = false, [(outsider.Id, open.Id)] = true,
            [(admin.Id, restricted.Id)] = true, [(admin.Id, open.Id)] = true,
            [(disabledAdmin.Id, restricted.Id)] = false, [(disabledAdmin.Id, open.Id)] = false,
            [(disabledMember.Id, restricted.Id)] = false, [(invited.Id, restricted.Id)] = false, [(invited.Id, open.Id)] = false,
        };
        foreach (var ((userId, appId), allowed) in expected)
        {
            var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == userId);
            var clientId = appId == restricted.Id ? restricted.ClientId : open.ClientId;
            var answers = new[]
            {
                await access.MayUseAsync(user, appId),
                await access.MayUseAsync(userId, clientId),
                await access.UsersOf(appId).AnyAsync(u => u.Id == userId),
                await SqlAsync(userId, appId),
            };
            Assert.True(answers.All(a => a == allowed), $"{user.UserName} on {(appId == restricted.Id ? "restricted" : "open")}: expected {allowed}, got {string.Join(", ", answers)}");
        }
    }

    [Fact]
    public async Task EveryEnabledPersonMayUseAnAppOpenToEveryoneButNotAGroupsAppTheyAreNotIn()
    {
        var person = await PersonAsync();
        var open = await AppAsync(AppAccess.Everyone);
        var restricted = await AppAsync(AppAccess.Groups, await GroupAsync());

        await AssertMayUseAsync(true, person, open);
        await AssertMayUseAsync(false, person, restricted);
    }

    [Fact]
    public async Task AGroupsAppServesMembersOfItsGroupsAndNotMembersOfOtherGroups()
    {
        var member = await PersonAsync();
        var otherGroupsMember = await PersonAsync();
        var allowed = await GroupAsync(member);
        await GroupAsync(otherGroupsMember);
        var app = await AppAsync(AppAccess.Groups, allowed);

        await AssertMayUseAsync(true, member, app);
        await AssertMayUseAsync(false, otherGroupsMember, app);
    }

    [Fact]
    public async Task BelongingToAnyOneOfAnAppsGroupsIsEnough()
    {
        var inFirst = await PersonAsync();
        var inSecond = await PersonAsync();
        var inNeither = await PersonAsync();
        var app = await AppAsync(AppAccess.Groups, await GroupAsync(inFirst), await GroupAsync(inSecond));

        await AssertMayUseAsync(true, inFirst, app);
        await AssertMayUseAsync(true, inSecond, app);
        await AssertMayUseAsync(false, inNeither, app);
    }

    [Fact]
    public async Task LeavingAnAppsGroupTakesTheAppAwayAndJoiningAgainGivesItBack()
    {
        var member = await PersonAsync();
        var group = await GroupAsync(member);
        var app = await AppAsync(AppAccess.Groups, group);
        await AssertMayUseAsync(true, member, app);

        await ChangeAsync(s => s.GetRequiredService<GroupChanges>().RemoveMembersAsync(Actor.Operator, group.Id, [member.Id]));
        await AssertMayUseAsync(false, member, app);

        await ChangeAsync(s => s.GetRequiredService<GroupChanges>().AddMembersAsync(Actor.Operator, group.Id, [member.Id.ToString()]));
        await AssertMayUseAsync(true, member, app);
    }

    [Fact]
    public async Task RestrictingAnOpenAppToAGroupShutsOutEveryoneElseAtOnceAndOpeningItLetsThemBack()
    {
        var member = await PersonAsync();
        var outsider = await PersonAsync();
        var group = await GroupAsync(member);
        var app = await AppAsync(AppAccess.Everyone);
        await AssertMayUseAsync(true, outsider, app);

        await ChangeAsync(s => s.GetRequiredService<AppChanges>().UpdateAsync(Actor.Operator, app.Id, Settings(app.Name, AppAccess.Groups, group)));
        await AssertMayUseAsync(true, member, app);
        await AssertMayUseAsync(false, outsider, app);

        await ChangeAsync(s => s.GetRequiredService<AppChanges>().UpdateAsync(Actor.Operator, app.Id, Settings(app.Name, AppAccess.Everyone)));
        await AssertMayUseAsync(true, outsider, app);
    }

    [Fact]
    public async Task AdminsAndOwnersMayUseEveryAppWithoutBelongingToItsGroups()
    {
        var admin = await PersonAsync(Role.Admin);
        var owner = await PersonAsync(Role.Owner);
        var app = await AppAsync(AppAccess.Groups, await GroupAsync());

        await AssertMayUseAsync(true, admin, app);
        await AssertMayUseAsync(true, owner, app);
    }

    [Fact]
    public async Task UserAndMailManagersFollowTheAppsRuleLikeEveryoneElse()
    {
        var userManager = await PersonAsync(Role.UserManager);
        var mailManager = await PersonAsync(Role.MailManager);
        var restricted = await AppAsync(AppAccess.Groups, await GroupAsync());
        var open = await AppAsync(AppAccess.Everyone);

        await AssertMayUseAsync(false, userManager, restricted);
        await AssertMayUseAsync(false, mailManager, restricted);
        await AssertMayUseAsync(true, userManager, open);
        await AssertMayUseAsync(true, mailManager, open);
    }

    [Fact]
    public async Task ADisabledPersonMayUseNothingWhateverTheirRoleOrGroups()
    {
        var member = await PersonAsync();
        var disabledMember = await PersonAsync(enabled: false);
        var disabledAdmin = await PersonAsync(Role.Admin, enabled: false);
        var disabledOwner = await PersonAsync(Role.Owner, enabled: false);
        var restricted = await AppAsync(AppAccess.Groups, await GroupAsync(member, disabledMember, disabledAdmin, disabledOwner));
        var open = await AppAsync(AppAccess.Everyone);

        await AssertMayUseAsync(true, member, restricted);
        foreach (var disabled in new[] { disabledMember, disabledAdmin, disabledOwner })
        {
            await AssertMayUseAsync(false, disabled, restricted);
            await AssertMayUseAsync(false, disabled, open);
        }
    }

    [Fact]
    public async Task SomeoneInvitedMayUseNothingUntilTheyAcceptAndThenFollowsTheRule()
    {
        var invitee = await InvitedAsync(Role.User);
        var invitedAdmin = await InvitedAsync(Role.Admin);
        var restricted = await AppAsync(AppAccess.Groups, await GroupAsync(invitee, invitedAdmin));
        var open = await AppAsync(AppAccess.Everyone);
        var other = await AppAsync(AppAccess.Groups, await GroupAsync());
        foreach (var pending in new[] { invitee, invitedAdmin })
        {
            await AssertMayUseAsync(false, pending, restricted);
            await AssertMayUseAsync(false, pending, open);
        }

        var link = (await Eventually.MailAsync(Path.Combine(Server.DataPath, "mail"), invitee.Email!)).Link("/accept-invitation/");
        await ChangeAsync(s => s.GetRequiredService<Invitations>().AcceptAsync(
            new Uri(link).AbsolutePath.Split('/').Last(), new InvitationAnswer(null, "an accepted invitation", "an accepted invitation")));

        await AssertMayUseAsync(true, invitee, restricted);
        await AssertMayUseAsync(true, invitee, open);
        await AssertMayUseAsync(false, invitee, other);
    }

    /// <summary>
    /// The rule as the tests state it, for every role, account state and membership, against each app kind:
    /// all four forms must give this answer. A mistake in one form (the hand-written SQL most of all) shows
    /// as the case it gets wrong.
    /// </summary>
    [Fact]
    public async Task EveryFormOfTheRuleGivesTheRulesAnswerForEveryRoleStateAndMembership()
    {
        var first = await GroupAsync();
        var second = await GroupAsync();
        var unrelated = await GroupAsync();
        var apps = new (App App, Group[] Groups)[]
        {
            (await AppAsync(AppAccess.Everyone), []),
            (await AppAsync(AppAccess.Groups, first), [first]),
            (await AppAsync(AppAccess.Groups, first, second), [first, second]),
        };
        var failures = new List<string>();
        foreach (var role in Enum.GetValues<Role>())
            foreach (var state in new[] { "enabled", "disabled", "invited" })
                foreach (var group in new Group?[] { null, first, second, unrelated })
                {
                    var person = await PersonAsync(role, enabled: state != "disabled", invitationPending: state == "invited");
                    if (group is not null)
                        await ChangeAsync(s => s.GetRequiredService<GroupChanges>().AddMembersAsync(Actor.Operator, group.Id, [person.Id.ToString()]));
                    foreach (var (app, allowed) in apps)
                    {
                        var expected = state == "enabled" && (role >= Role.Admin || app.Access == AppAccess.Everyone || allowed.Any(g => g.Id == group?.Id));
                        var answers = await AnswersAsync(person, app);
                        if (!answers.All(expected))
                            failures.Add($"{role}, {state}, in {group?.Name ?? "no group"}, on an app for {(allowed.Length == 0 ? "everyone" : string.Join(" or ", allowed.Select(g => g.Name)))}: expected {expected}, got {answers}");
                    }
                }

        Assert.Empty(failures);
    }

    /// <summary>Every form looks the app up, so a deleted app's id opens nothing, not even to an admin.</summary>
    [Fact]
    public async Task ADeletedAppIsUsableByNobodyNotEvenAnAdmin()
    {
        var admin = await PersonAsync(Role.Admin);
        var person = await PersonAsync();
        var app = await AppAsync(AppAccess.Everyone);
        await AssertMayUseAsync(true, admin, app);

        await ChangeAsync(s => s.GetRequiredService<AppChanges>().DeleteAsync(Actor.Operator, app.Id));

        foreach (var someone in new[] { admin, person })
        {
            var answers = await AnswersAsync(someone, app);
            Assert.True(answers.All(false), $"{someone.Role} on a deleted app: {answers}");
        }
    }

    [Fact]
    public async Task AdminsConfigureEveryAppAnOperatorOnlyTheirsAndOperatingAnAppIsNotUsingIt()
    {
        var admin = await PersonAsync(Role.Admin);
        var appOperator = await PersonAsync();
        var userManager = await PersonAsync(Role.UserManager);
        var theirs = await AppAsync(AppAccess.Groups, await GroupAsync());
        var another = await AppAsync(AppAccess.Everyone);
        await ChangeAsync(s => s.GetRequiredService<AppChanges>().SetOperatorsAsync(Actor.Operator, theirs.Id, [appOperator.Id.ToString()]));

        await using var scope = Server.App.Services.CreateAsyncScope();
        var access = scope.ServiceProvider.GetRequiredService<AppAccessPolicy>();
        async Task<string> ConfigurableAsync(Actor actor) =>
            $"{(await access.MayConfigureAsync(actor, theirs.Id) ? "theirs" : "")} {(await access.MayConfigureAsync(actor, another.Id) ? "another" : "")}".Trim();
        async Task<string> ListedAsync(Actor actor)
        {
            var ids = await access.ConfigurableBy(actor).Select(a => a.Id).ToListAsync();
            return $"{(ids.Contains(theirs.Id) ? "theirs" : "")} {(ids.Contains(another.Id) ? "another" : "")}".Trim();
        }

        foreach (var (actor, expected) in new[]
        {
            (Actor.For(admin), "theirs another"),
            (Actor.Operator, "theirs another"),
            (Actor.For(appOperator), "theirs"),
            (Actor.For(userManager), ""),
            (Actor.Anonymous, ""),
        })
        {
            Assert.Equal((actor.Name, expected), (actor.Name, await ConfigurableAsync(actor)));
            Assert.Equal((actor.Name, expected), (actor.Name, await ListedAsync(actor)));
        }
        await AssertMayUseAsync(false, appOperator, theirs);
    }

    private async Task<User> PersonAsync(Role role = Role.User, bool enabled = true, bool invitationPending = false)
    {
        var user = await Server.CreateUserAsync("p" + Unique(), Password, role, enabled);
        if (invitationPending)
            await Server.QueryAsync(db => db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(set => set.SetProperty(u => u.InvitationPending, true)));
        return user;
    }

    /// <summary>Someone invited the way a user manager invites them, with the email that carries the link.</summary>
    private async Task<User> InvitedAsync(Role role)
    {
        var email = $"invited{Unique()}@example.org";
        await ChangeAsync(s => s.GetRequiredService<NewUsers>().InviteAsync(Actor.Operator, new NewInvitation(email, "Invited Person", role, "i" + Unique())));
        return await Server.QueryAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Email == email));
    }

    private async Task<Group> GroupAsync(params User[] members)
    {
        var group = await ChangeAsync(s => s.GetRequiredService<GroupChanges>().CreateAsync(Actor.Operator, "g-" + Unique(), ""));
        if (members.Length > 0)
            await ChangeAsync(s => s.GetRequiredService<GroupChanges>().AddMembersAsync(Actor.Operator, group.Id, [.. members.Select(m => m.Id.ToString())]));
        return group;
    }

    private static AppSettings Settings(string name, AppAccess access, params Group[] groups) =>
        new(name, "https://app.example.org", "", DirectoryMode.UseRoster, access, [.. groups.Select(g => g.Id)]);

    private async Task<App> AppAsync(AppAccess access, params Group[] groups) =>
        await ChangeAsync(s => s.GetRequiredService<AppChanges>().RegisterAsync(Actor.Operator, Settings("App " + Unique(), access, groups)));

    /// <summary>Makes a change through the service that owns it, as the pages and API do, and fails the test if it is refused.</summary>
    private async Task<T> ChangeAsync<T>(Func<IServiceProvider, Task<Result<T>>> change)
    {
        await using var scope = Server.App.Services.CreateAsyncScope();
        var result = await change(scope.ServiceProvider);
        Assert.True(result.Succeeded, string.Join(" ", result.Errors.Select(e => e.Message)));
        return result.Value!;
    }

    private sealed record Answers(bool ByPerson, bool ByClientId, bool AmongPeopleOfTheApp, bool BySql)
    {
        public bool All(bool expected) => ByPerson == expected && ByClientId == expected && AmongPeopleOfTheApp == expected && BySql == expected;
    }

    /// <summary>The policy asked in each of its forms, on a fresh scope, about the person as stored now.</summary>
    private async Task<Answers> AnswersAsync(User person, App app)
    {
        await using var scope = Server.App.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var access = services.GetRequiredService<AppAccessPolicy>();
        var direct = services.GetRequiredService<DirectConnections>();
        var stored = await services.GetRequiredService<RosterDb>().Users.AsNoTracking().SingleAsync(u => u.Id == person.Id);
        return new Answers(
            await access.MayUseAsync(stored, app.Id),
            await access.MayUseAsync(person.Id, app.ClientId),
            await access.UsersOf(app.Id).AnyAsync(u => u.Id == person.Id),
            await direct.QueryAsync($"SELECT CASE WHEN {AppAccessPolicy.MayUseSql("@user", "@app")} THEN 1 ELSE 0 END",
                [("user", person.Id), ("app", app.Id)],
                async reader => await reader.ReadAsync() && Convert.ToInt32(reader.GetValue(0)) == 1,
                CancellationToken.None));
    }

    private async Task AssertMayUseAsync(bool expected, User person, App app)
    {
        var answers = await AnswersAsync(person, app);
        Assert.True(answers.All(expected), $"{person.UserName} ({person.Role}) on {app.Name} ({app.Access}): expected {expected}, got {answers}");
    }
}

public sealed class AppAccessPolicyOnSqlite(SqliteRoster fixture) : AppAccessPolicyTests(fixture), IClassFixture<SqliteRoster>;

public sealed class AppAccessPolicyOnPostgres(PostgresRoster fixture) : AppAccessPolicyTests(fixture), IClassFixture<PostgresRoster>;
