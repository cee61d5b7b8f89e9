using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Roster.Accounts;
using Roster.Groups;
using Roster.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Roster.Tests.Users;

/// <summary>
/// The field-level half of the authorization matrix: every editable field of a person and of a group,
/// every role acting on every role and on itself, through the page, the API and the command line. Each
/// cell checks the answer and what was stored: an allowed change is there, a refused one left nothing.
/// The expectations are this file's own tables, written from PRODUCT.md section 1; they never ask
/// <c>Permissions</c>, which would make the test agree with whatever the code does.
/// </summary>
public abstract class FieldAuthorizationMatrixTests(RosterFixture fixture, ITestOutputHelper output)
{
    private const string Password = "a long test password";

    // Who may edit whom: an owner anyone; an admin everyone below owner; user and mail managers everyone
    // below admin; a plain user nobody but themselves. "Invitee" is a plain user with no username yet.
    // Y allowed; - refused; . not a cell (nothing to change, or nobody to act as);
    // P allowed on the page only: the API's user and member endpoints are for managers, so a plain user's
    // self-service is their own page.
    private const string Profile = """
                     User  UserManager  MailManager  Admin  Owner  self
        User         -     -            -            -      -      P
        Invitee      .     .            .            .      .      P
        UserManager  Y     Y            Y            -      -      Y
        MailManager  Y     Y            Y            -      -      Y
        Admin        Y     Y            Y            Y      -      Y
        Owner        Y     Y            Y            Y      Y      Y
        """;

    // A username is chosen once by its person; afterwards only admins change it.
    private const string Username = """
                     User  UserManager  MailManager  Admin  Owner  self
        User         -     -            -            -      -      -
        Invitee      .     .            .            .      .      P
        UserManager  -     -            -            -      -      -
        MailManager  -     -            -            -      -      -
        Admin        Y     Y            Y            Y      -      Y
        Owner        Y     Y            Y            Y      Y      Y
        """;

    // A plain user is made an admin, anyone else a plain user: roles up to admin are for admins.
    private const string RoleUpToAdmin = """
                     User  UserManager  MailManager  Admin  Owner  self
        User         -     -            -            -      -      -
        Invitee      .     .            .            .      .      -
        UserManager  -     -            -            -      -      -
        MailManager  -     -            -            -      -      -
        Admin        Y     Y            Y            Y      -      Y
        Owner        Y     Y            Y            Y      Y      Y
        """;

    // Only an owner makes owners.
    private const string RoleToOwner = """
                     User  UserManager  MailManager  Admin  Owner  self
        User         -     -            -            -      .      -
        Invitee      .     .            .            .      .      -
        UserManager  -     -            -            -      .      -
        MailManager  -     -            -            -      .      -
        Admin        -     -            -            -      .      -
        Owner        Y     Y            Y            Y      .      .
        """;

    // Nobody disables themselves.
    private const string Disable = """
                     User  UserManager  MailManager  Admin  Owner  self
        User         -     -            -            -      -      -
        Invitee      .     .            .            .      .      -
        UserManager  Y     Y            Y            -      -      -
        MailManager  Y     Y            Y            -      -      -
        Admin        Y     Y            Y            Y      -      -
        Owner        Y     Y            Y            Y      Y      -
        """;

    // Of a disabled target; a disabled person cannot act at all.
    private const string Enable = """
                     User  UserManager  MailManager  Admin  Owner  self
        User         -     -            -            -      -      .
        Invitee      .     .            .            .      .      .
        UserManager  Y     Y            Y            -      -      .
        MailManager  Y     Y            Y            -      -      .
        Admin        Y     Y            Y            Y      -      .
        Owner        Y     Y            Y            Y      Y      .
        """;

    private const string Membership = """
                     User  UserManager  MailManager  Admin  Owner  self
        User         -     -            -            -      -      -
        Invitee      .     .            .            .      .      -
        UserManager  Y     Y            Y            -      -      Y
        MailManager  Y     Y            Y            -      -      Y
        Admin        Y     Y            Y            Y      -      Y
        Owner        Y     Y            Y            Y      Y      Y
        """;

    // A group the two-factor policy names: only admins, or a manager could take anyone out of the policy.
    private const string PolicyMembership = """
                     User  UserManager  MailManager  Admin  Owner  self
        User         -     -            -            -      -      -
        Invitee      .     .            .            .      .      -
        UserManager  -     -            -            -      -      -
        MailManager  -     -            -            -      -      -
        Admin        Y     Y            Y            Y      -      Y
        Owner        Y     Y            Y            Y      Y      Y
        """;

    // Name, description and deletion of a group, by the kind of group.
    private const string GroupSettings = """
                     plain  policy
        User         -      -
        UserManager  Y      -
        MailManager  Y      -
        Admin        Y      Y
        Owner        Y      Y
        """;

    // The operator at the command line has an owner's rights and the guardrails; "last owner" is the only owner.
    private const string CommandLineRules = """
                     User  UserManager  MailManager  Admin  Owner  last-owner
        name         Y     Y            Y            Y      Y      .
        email        Y     Y            Y            Y      Y      .
        username     Y     Y            Y            Y      Y      .
        role         Y     Y            Y            Y      Y      -
        disable      Y     Y            Y            Y      Y      -
        enable       Y     Y            Y            Y      Y      .
        join-group   Y     Y            Y            Y      Y      .
        leave-group  Y     Y            Y            Y      Y      .
        """;

    private static readonly (string Field, string Table)[] UserFields =
    [
        ("name", Profile), ("emailVisible", Profile), ("email", Profile), ("username", Username),
        ("role", RoleUpToAdmin), ("role-owner", RoleToOwner), ("disable", Disable), ("enable", Enable),
        ("join-group", Membership), ("leave-group", Membership), ("join-policy-group", PolicyMembership), ("leave-policy-group", PolicyMembership),
    ];

    private static readonly string[] Surfaces = ["page", "api"];

    private RosterServer Server => fixture.Server;

    [Fact]
    public async Task EveryRoleChangesExactlyThePeoplesFieldsTheRulesAllowOnPageAndApi()
    {
        var clock = Stopwatch.StartNew();
        var plain = await NewGroupAsync(Server, policy: false);
        var policy = await NewGroupAsync(Server, policy: true);
        var actors = new Dictionary<string, Party>();
        var matrix = new Matrix();
        foreach (var (field, table) in UserFields)
            foreach (var surface in Surfaces)
                foreach (var (row, column, rule) in Parse(table))
                {
                    if (rule == '.')
                        continue;
                    // Acting on oneself can cost the actor their role or session, so those cells get a person of their own.
                    var actor = column == "self" ? await NewPartyAsync(row, signIn: surface == "page")
                        : actors.TryGetValue(row, out var shared) ? shared : actors[row] = await NewPartyAsync(row, signIn: true);
                    var target = column == "self" ? actor.User : await NewUserAsync(Server, Enum.Parse<Role>(column));
                    var group = field.Contains("policy") ? policy : plain;
                    var seen = await ChangeUserAsync(field, surface, actor, target, group);
                    matrix.Add(field, surface, row, column, rule == 'Y' || rule == 'P' && surface == "page", seen);
                    if (column == "self")
                        actor.Dispose();
                }
        output.WriteLine($"{matrix.Count} cells in {clock.Elapsed.TotalSeconds:0.0} s");
        output.WriteLine(matrix.Grids());
        Assert.True(matrix.Mismatches.Count == 0, matrix.Report());
    }

    [Fact]
    public async Task EveryRoleChangesExactlyTheGroupsTheRulesAllowOnPageAndApi()
    {
        var actors = new Dictionary<string, Party>();
        var matrix = new Matrix();
        foreach (var field in new[] { "group-name", "group-description", "group-delete" })
            foreach (var surface in Surfaces)
                foreach (var (row, column, rule) in Parse(GroupSettings))
                {
                    var actor = actors.TryGetValue(row, out var shared) ? shared : actors[row] = await NewPartyAsync(row, signIn: true);
                    var seen = await ChangeGroupAsync(field, surface, actor, await NewGroupAsync(Server, policy: column == "policy"));
                    matrix.Add(field, surface, row, column, rule == 'Y', seen);
                }
        output.WriteLine($"{matrix.Count} cells");
        output.WriteLine(matrix.Grids());
        Assert.True(matrix.Mismatches.Count == 0, matrix.Report());
    }

    [Fact]
    public async Task TheOperatorChangesEveryFieldOfEveryRoleFromTheCommandLineButLeavesTheLastOwner()
    {
        // A database of its own, so that its first owner is the only one until this test makes another.
        await using var database = await TestDatabase.CreateAsync(Server.App.Configuration["Roster:Database:Provider"]!);
        await using var server = await RosterServer.StartAsync(database);
        var cli = new CommandLine(server, await NewGroupAsync(server, policy: false), new Dictionary<string, string?>
        {
            ["Roster__Database__Provider"] = database.Provider,
            ["Roster__Database__ConnectionString"] = database.ConnectionString,
            ["Roster__DataDirectory"] = server.DataPath,
            ["Roster__PublicUrl"] = server.BaseUrl,
            ["Roster__Accounts__PasswordIterations"] = "1000",
        });
        var rules = Parse(CommandLineRules).ToDictionary(c => (c.Row, c.Column), c => c.Rule);
        var matrix = new Matrix();
        void Record(string column, IEnumerable<(string Field, Seen Seen)> seen)
        {
            foreach (var (field, cell) in seen)
                matrix.Add(field, "cli", "operator", column, rules[(field, column)] == 'Y', cell);
        }

        // The last owner first: the Owner column below makes a second one.
        var owner = await server.QueryAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Role == Role.Owner));
        Record("last-owner", await cli.ChangeAsync(owner, ["role"], w => ["user", "update", owner.Id.ToString(), "--role", w["role"]]));
        Record("last-owner", await cli.ChangeAsync(owner, ["disable"], _ => ["user", "disable", owner.Id.ToString()]));

        // A process costs about a second, so one `user update` sets all four of a person's fields (all or
        // none, and each is checked in what was stored), and one member command names all five people.
        var targets = new Dictionary<string, User>();
        foreach (var role in Enum.GetValues<Role>())
            targets[role.ToString()] = await NewUserAsync(server, role);
        await Task.WhenAll(targets.Select(async pair =>
        {
            var id = pair.Value.Id.ToString();
            var seen = await cli.ChangeAsync(pair.Value, ["name", "email", "username", "role"], w =>
                ["user", "update", id, "--name", w["name"], "--email", w["email"], "--username", w["username"], "--role", w["role"]]);
            seen.AddRange(await cli.ChangeAsync(pair.Value, ["disable"], _ => ["user", "disable", id]));
            seen.AddRange(await cli.ChangeAsync(pair.Value, ["enable"], _ => ["user", "enable", id]));
            lock (matrix)
                Record(pair.Key, seen);
        }));
        var everyone = targets.Values.Select(t => t.Id.ToString()).ToArray();
        foreach (var (field, verb) in new[] { ("join-group", "add-member"), ("leave-group", "remove-member") })
            foreach (var (column, seen) in await cli.ChangeMembersAsync(targets, field, ["group", verb, cli.Group.ToString(), .. everyone]))
                Record(column, [(field, seen)]);

        output.WriteLine($"{matrix.Count} cells from 19 processes");
        output.WriteLine(matrix.Grids());
        Assert.True(matrix.Mismatches.Count == 0, matrix.Report());
    }

    /// <summary>The real executable on the database of <paramref name="server"/>, at most two processes at a time on a shared machine.</summary>
    private sealed class CommandLine(RosterServer server, Guid group, Dictionary<string, string?> environment)
    {
        private readonly SemaphoreSlim slots = new(2);

        public Guid Group => group;

        public async Task<List<(string Field, Seen Seen)>> ChangeAsync(User target, string[] fields, Func<Dictionary<string, string>, string[]> args)
        {
            var before = await UserStateAsync(server, target.Id, Group);
            var wanted = fields.ToDictionary(f => f, f => Wanted(f, before));
            var answer = await RunAsync(args(wanted));
            var after = await UserStateAsync(server, target.Id, Group);
            return [.. fields.Select(f => (f, new Seen(answer, Value(f, after) == wanted[f], after == before)))];
        }

        public async Task<List<(string Column, Seen Seen)>> ChangeMembersAsync(Dictionary<string, User> targets, string field, string[] args)
        {
            var before = new Dictionary<string, UserState>();
            foreach (var (column, target) in targets)
                before[column] = await UserStateAsync(server, target.Id, Group);
            var answer = await RunAsync(args);
            var seen = new List<(string, Seen)>();
            foreach (var (column, target) in targets)
            {
                var after = await UserStateAsync(server, target.Id, Group);
                seen.Add((column, new Seen(answer, Value(field, after) == Wanted(field, before[column]), after == before[column])));
            }
            return seen;
        }

        private async Task<Answer> RunAsync(string[] args)
        {
            await slots.WaitAsync();
            try
            {
                var (exitCode, _, stderr) = await RosterProcess.RunAsync(server.DataPath, environment, args);
                return exitCode switch
                {
                    0 => new Answer(true, "exit 0"),
                    1 when stderr.TrimEnd().Split('\n').Length == 1 => new Answer(false, "exit 1: " + stderr.Trim()),
                    _ => new Answer(null, $"exit {exitCode}: {stderr.Trim()}"),
                };
            }
            finally
            {
                slots.Release();
            }
        }
    }

    private async Task<Seen> ChangeUserAsync(string field, string surface, Party actor, User target, Guid group)
    {
        if (field == "enable")
            await Server.QueryAsync(db => db.Users.Where(u => u.Id == target.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.Enabled, false)));
        if (field.StartsWith("leave", StringComparison.Ordinal))
            await AddMemberAsync(Server, group, target.Id);
        var before = await UserStateAsync(Server, target.Id, group);
        var wanted = Wanted(field, before);
        var id = target.Id;
        var answer = (surface, field) switch
        {
            ("page", "name" or "email" or "emailVisible" or "username") => await actor.PostAsync($"/user/{id}?handler=Profile", new()
            {
                ["Name"] = field == "name" ? wanted : before.Name,
                ["Email"] = field == "email" ? wanted : before.Email ?? "",
                ["EmailVisible"] = field == "emailVisible" ? wanted : before.EmailVisible.ToString(),
                ["Username"] = field == "username" ? wanted : before.Username ?? "",
            }),
            ("page", "role" or "role-owner") => await actor.PostAsync($"/user/{id}?handler=Role", new() { ["NewRole"] = wanted }),
            ("page", "disable") => await actor.PostAsync($"/user/{id}?handler=Disable", []),
            ("page", "enable") => await actor.PostAsync($"/user/{id}?handler=Enable", []),
            ("page", _) when field.StartsWith("join", StringComparison.Ordinal) => await actor.PostAsync($"/group/{group}?handler=Add", new() { ["Add"] = id.ToString() }),
            ("page", _) => await actor.PostAsync($"/group/{group}?handler=Remove", new() { ["Selected"] = id.ToString() }),
            (_, "name") => await actor.SendAsync(HttpMethod.Patch, $"/api/v1/users/{id}", new { name = wanted }),
            (_, "email") => await actor.SendAsync(HttpMethod.Patch, $"/api/v1/users/{id}", new { email = wanted }),
            (_, "emailVisible") => await actor.SendAsync(HttpMethod.Patch, $"/api/v1/users/{id}", new { emailVisible = bool.Parse(wanted) }),
            (_, "username") => await actor.SendAsync(HttpMethod.Patch, $"/api/v1/users/{id}", new { username = wanted }),
            (_, "role" or "role-owner") => await actor.SendAsync(HttpMethod.Patch, $"/api/v1/users/{id}", new { role = wanted }),
            (_, "disable" or "enable") => await actor.SendAsync(HttpMethod.Patch, $"/api/v1/users/{id}", new { enabled = field == "enable" }),
            _ when field.StartsWith("join", StringComparison.Ordinal) => await actor.SendAsync(HttpMethod.Post, $"/api/v1/groups/{group}/members", new { users = new[] { id.ToString() } }),
            _ => await actor.SendAsync(HttpMethod.Delete, $"/api/v1/groups/{group}/members/{id}", null),
        };
        var after = await UserStateAsync(Server, target.Id, group);
        return new Seen(answer, Value(field, after) == wanted, after == before);
    }

    private async Task<Seen> ChangeGroupAsync(string field, string surface, Party actor, Guid id)
    {
        var before = await GroupStateAsync(Server, id) ?? throw new InvalidOperationException("The new group is missing.");
        var wanted = field switch
        {
            "group-name" => before with { Name = Unique("g") },
            "group-description" => before with { Description = Unique("About ") },
            _ => (GroupState?)null,
        };
        var answer = (surface, field) switch
        {
            ("page", "group-delete") => await actor.PostAsync($"/group/{id}?handler=Delete", new() { ["ConfirmName"] = before.Name }),
            ("page", _) => await actor.PostAsync($"/group/{id}?handler=Save", new() { ["Name"] = wanted!.Name, ["Description"] = wanted.Description }),
            (_, "group-delete") => await actor.SendAsync(HttpMethod.Delete, $"/api/v1/groups/{id}", null),
            (_, "group-name") => await actor.SendAsync(HttpMethod.Patch, $"/api/v1/groups/{id}", new { name = wanted!.Name }),
            _ => await actor.SendAsync(HttpMethod.Patch, $"/api/v1/groups/{id}", new { description = wanted!.Description }),
        };
        var after = await GroupStateAsync(Server, id);
        return new Seen(answer, after == wanted, after == before);
    }

    /// <summary>A fresh value for the field, so that an allowed change is visible in what is stored.</summary>
    private static string Wanted(string field, UserState state) => field switch
    {
        "name" => Unique("Name "),
        "email" => Unique("e") + "@example.org",
        "emailVisible" => (!state.EmailVisible).ToString(),
        "username" => Unique("u"),
        "role" => (state.Role == Role.User ? Role.Admin : Role.User).ToString(),
        "role-owner" => nameof(Role.Owner),
        "disable" => "False",
        "enable" => "True",
        _ => field.StartsWith("join", StringComparison.Ordinal) ? "True" : "False",
    };

    private static string Value(string field, UserState state) => field switch
    {
        "name" => state.Name,
        "email" => state.Email ?? "",
        "emailVisible" => state.EmailVisible.ToString(),
        "username" => state.Username ?? "",
        "role" or "role-owner" => state.Role.ToString(),
        "disable" or "enable" => state.Enabled.ToString(),
        _ => state.InGroup.ToString(),
    };

    private sealed record UserState(string Name, string? Email, bool EmailVisible, string? Username, Role Role, bool Enabled, bool InGroup, int Groups);

    private sealed record GroupState(string Name, string Description, int Members);

    private static Task<UserState> UserStateAsync(RosterServer server, Guid id, Guid group) => server.QueryAsync(async db =>
    {
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == id);
        var groups = await db.GroupMembers.Where(m => m.UserId == id).Select(m => m.GroupId).ToListAsync();
        return new UserState(user.Name, user.Email, user.EmailVisible, user.UserName, user.Role, user.Enabled, groups.Contains(group), groups.Count);
    });

    /// <summary>Null once the group is deleted.</summary>
    private static Task<GroupState?> GroupStateAsync(RosterServer server, Guid id) => server.QueryAsync(async db =>
        await db.Groups.AsNoTracking().Where(g => g.Id == id)
            .Select(g => new GroupState(g.Name, g.Description, db.GroupMembers.Count(m => m.GroupId == g.Id))).SingleOrDefaultAsync());

    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..10];

    private static IEnumerable<(string Row, string Column, char Rule)> Parse(string table)
    {
        var lines = table.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var columns = lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        foreach (var line in lines.Skip(1))
        {
            var cells = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            for (var i = 0; i < columns.Length; i++)
                yield return (cells[0], columns[i], cells[i + 1][0]);
        }
    }

    private static async Task<User> NewUserAsync(RosterServer server, Role role) =>
        await server.CreateUserAsync(Unique("t"), Password, role);

    private static async Task<Guid> NewGroupAsync(RosterServer server, bool policy)
    {
        await using var scope = server.App.Services.CreateAsyncScope();
        var created = await scope.ServiceProvider.GetRequiredService<GroupChanges>().CreateAsync(Actor.Operator, Unique("g"), "A group");
        var id = created.Value!.Id;
        if (policy)
        {
            var policies = scope.ServiceProvider.GetRequiredService<SecurityPolicy>();
            var current = await policies.TwoFactorAsync(default);
            // Groups deleted by earlier cells drop out of the list, or the policy would refuse it as stale.
            var alive = await scope.ServiceProvider.GetRequiredService<Roster.Data.RosterDb>().Groups
                .Where(g => current.RequiredForGroups.Contains(g.Id)).Select(g => g.Id).ToListAsync();
            Assert.True((await policies.SetTwoFactorAsync(Actor.Operator, current with { RequiredForGroups = [.. alive, id] }, default)).Succeeded);
        }
        return id;
    }

    private static async Task AddMemberAsync(RosterServer server, Guid group, Guid user)
    {
        await using var scope = server.App.Services.CreateAsyncScope();
        Assert.True((await scope.ServiceProvider.GetRequiredService<GroupChanges>().AddMembersAsync(Actor.Operator, group, [user.ToString()])).Succeeded);
    }

    /// <summary>Someone of a role, signed in (for pages) and holding an API token; "Invitee" is a plain user without a username, signed in by email.</summary>
    private async Task<Party> NewPartyAsync(string kind, bool signIn)
    {
        var user = await Server.CreateUserAsync(Unique(kind.ToLowerInvariant()[..4]), Password, kind == "Invitee" ? Role.User : Enum.Parse<Role>(kind));
        if (kind == "Invitee")
        {
            await Server.QueryAsync(db => db.Users.Where(u => u.Id == user.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(u => u.UserName, (string?)null).SetProperty(u => u.NormalizedUserName, (string?)null)));
            user = await Server.StoredUserAsync(user.Id);
        }
        var api = await Server.ApiClientAsync(user);
        if (!signIn)
            return new Party(user, null, null, api);
        var browser = Server.NewClient();
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(user.Email!, Password)).Status);
        // One antiforgery token serves every form post of this session.
        var token = (await browser.GetAsync("/account")).Document.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        return new Party(user, browser, token, api);
    }

    private sealed record Party(User User, FormClient? Browser, string? FormToken, HttpClient Api) : IDisposable
    {
        public void Dispose()
        {
            Browser?.Dispose();
            Api.Dispose();
        }

        /// <summary>A form post as the page's own form makes it; a redirect (not to sign-in) is the page's "done".</summary>
        public async Task<Answer> PostAsync(string path, Dictionary<string, string> fields)
        {
            fields["__RequestVerificationToken"] = FormToken!;
            var page = await Browser!.PostAsync(path, fields, expect: Expect.Any);
            return page.Status switch
            {
                HttpStatusCode.Redirect when page.Location?.StartsWith("/login", StringComparison.Ordinal) != true => new(true, $"302 {page.Location}"),
                HttpStatusCode.Forbidden => new(false, "403"),
                HttpStatusCode.BadRequest when page.Errors.Count > 0 => new(false, "400: " + page.Errors[0]),
                var status => new(null, $"{(int)status} {page.Location}"),
            };
        }

        public async Task<Answer> SendAsync(HttpMethod method, string path, object? body)
        {
            using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
            using var response = await Api.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            var detail = response.IsSuccessStatusCode ? null : Detail(text);
            return response.StatusCode switch
            {
                HttpStatusCode.OK or HttpStatusCode.NoContent => new(true, $"{(int)response.StatusCode}"),
                HttpStatusCode.Forbidden => new(false, "403" + (detail is null ? "" : ": " + detail)),
                HttpStatusCode.BadRequest when detail is not null => new(false, "400: " + detail),
                var status => new(null, $"{(int)status} {text}"),
            };
        }
    }

    private static string? Detail(string problem)
    {
        try
        {
            return JsonDocument.Parse(problem).RootElement.TryGetProperty("detail", out var detail) ? detail.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Allowed is null when the answer was neither a clear yes nor a clear no (a 500, a 404, a silent 200 on a form).</summary>
    private sealed record Answer(bool? Allowed, string Text);

    private sealed record Seen(Answer Answer, bool Changed, bool Untouched)
    {
        public char Mark => Answer.Allowed == true && Changed ? 'Y' : Answer.Allowed == false && Untouched ? '-' : '?';
    }

    /// <summary>Observed cells, printed in the layout of the rule tables; a cell that disagrees with its rule is marked "!".</summary>
    private sealed class Matrix
    {
        private static readonly List<string> ColumnOrder = ["last-owner", "plain", "policy", .. Enum.GetNames<Role>(), "self"];
        private readonly List<(string Field, string Surface, string Row, string Column, bool Expected, Seen Seen)> cells = [];

        public int Count => cells.Count;

        public void Add(string field, string surface, string row, string column, bool expected, Seen seen) =>
            cells.Add((field, surface, row, column, expected, seen));

        public List<string> Mismatches => [.. cells.Where(c => c.Seen.Mark != (c.Expected ? 'Y' : '-')).Select(c =>
            $"{c.Surface,-5} {c.Field,-19} {c.Row,-12} → {c.Column,-12} expected {(c.Expected ? "allowed" : "refused"),-8} answered {c.Seen.Answer.Text}; " +
            (c.Seen.Untouched ? "nothing stored" : c.Seen.Changed ? "the change stored" : "something else changed"))];

        public string Report() => $"{Mismatches.Count} of {cells.Count} cells disagree with the rules:\n" +
            $"{"where",-5} {"field",-19} {"actor",-12}   {"target",-12} \n" + string.Join("\n", Mismatches) + "\n\n" + Grids();

        public string Grids()
        {
            var text = new StringBuilder();
            foreach (var table in cells.GroupBy(c => (c.Field, c.Surface)))
            {
                var columns = table.Select(c => c.Column).Distinct().OrderBy(c => ColumnOrder.IndexOf(c)).ToList();
                text.AppendLine($"{table.Key.Field} ({table.Key.Surface})").AppendLine($"{"",-13}{string.Join("", columns.Select(c => $"{c,-13}"))}");
                foreach (var row in table.GroupBy(c => c.Row))
                    text.AppendLine($"{row.Key,-13}" + string.Join("", columns.Select(column =>
                        row.FirstOrDefault(c => c.Column == column) is { Seen: not null } c
                            ? $"{c.Seen.Mark + (c.Seen.Mark == (c.Expected ? 'Y' : '-') ? "" : "!"),-13}" : $"{".",-13}")));
            }
            return text.ToString();
        }
    }
}

// No PostgreSQL twin: every rule here lives in provider-neutral services, a twin would add about 35 s
// (and the CLI's processes again), and PostgreSQL's own part, the owner-change lock, has LastOwnerOnPostgres.
public sealed class FieldAuthorizationOnSqlite(SqliteRoster fixture, ITestOutputHelper output)
    : FieldAuthorizationMatrixTests(fixture, output), IClassFixture<SqliteRoster>;
