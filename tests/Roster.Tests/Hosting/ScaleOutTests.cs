using System.Net;
using Microsoft.EntityFrameworkCore;
using System.Text.Json;
using System.Web;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Hosting;

/// <summary>
/// Two Roster processes on one PostgreSQL, as behind a load balancer: A and B on their own loopback ports,
/// their own data folders, one database, one public URL, one SMTP server. Nothing a person or an app relies
/// on may live in only one of them.
/// </summary>
public class TwoInstances : IAsyncLifetime
{
    public const string OwnerPassword = "correct battery staple";
    public const string RedirectUri = "http://127.0.0.1:9/cb";

    private readonly TempDirectory folder = new();
    private TestDatabase? database;
    private IAsyncDisposable? smtpServer;

    /// <summary>Whether the SMTP server is up from the start; when not, mail waits in the outbox until <see cref="StartSmtpAsync"/>.</summary>
    protected virtual bool SmtpAtOnce => true;

    /// <summary>Settings on top of the shared ones.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> MoreSettings => [];

    public SmtpSink Smtp { get; } = new();
    public RosterProcess A { get; private set; } = null!;
    public RosterProcess B { get; private set; } = null!;
    public Dictionary<string, string?> Environment { get; private set; } = null!;
    public string WorkingDirectory => folder.Path;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync("Postgres");
        if (SmtpAtOnce)
            await StartSmtpAsync();
        Environment = RosterServer.TestSettings(Path.Combine(folder.Path, "data"))
            .Concat(database.Settings())
            .Concat(Smtp.RosterSettings())
            .Append(new("Roster:Owner:Password", OwnerPassword))
            .Append(new("Roster:PublicUrl", "http://roster.example.test"))
            .Concat(MoreSettings)
            .GroupBy(setting => setting.Key).Select(same => same.Last())
            .AsEnvironment();
        // A first, so the schema and the first owner exist once; then B joins the same database.
        A = await RosterProcess.StartServerAsync(folder.Path, Environment);
        B = await RosterProcess.StartServerAsync(folder.Path, Environment);
    }

    public async Task StartSmtpAsync() => smtpServer = await Smtp.StartAsync();

    public Task<(int ExitCode, string Stdout, string Stderr)> CliAsync(params string[] args) => RosterProcess.RunAsync(folder.Path, Environment, args);

    public async Task DisposeAsync()
    {
        // Whatever InitializeAsync got to start.
        foreach (var started in new IAsyncDisposable?[] { A, B, smtpServer, database })
            if (started is not null)
                await started.DisposeAsync();
        folder.Dispose();
    }
}

/// <summary>Instances started at the same moment on a new database: they take turns preparing it.</summary>
public sealed class ScaleOutFirstStartTests
{
    [Fact]
    public async Task TwoInstancesStartedTogetherOnANewDatabaseMakeOneOwnerAndOneKeyPerAlgorithm()
    {
        await using var database = await TestDatabase.CreateAsync("Postgres");
        using var folder = new TempDirectory();
        var environment = RosterServer.TestSettings(Path.Combine(folder.Path, "data"))
            .Concat(database.Settings())
            .Append(new("Roster:Owner:Password", TwoInstances.OwnerPassword))
            .AsEnvironment();

        Task<RosterProcess>[] starting = [RosterProcess.StartServerAsync(folder.Path, environment), RosterProcess.StartServerAsync(folder.Path, environment)];
        try
        {
            await Task.WhenAll(starting);
        }
        catch
        {
            // The one that did start must not outlive the test.
            foreach (var started in starting.Where(t => t.IsCompletedSuccessfully))
                await (await started).DisposeAsync();
            throw;
        }
        await using var a = await starting[0];
        await using var b = await starting[1];

        await using var db = database.Connect();
        Assert.Equal(1, await db.Users.CountAsync());
        Assert.Equal(["ES256", "RS256"], (await db.OidcSigningKeys.Select(k => k.Algorithm).ToListAsync()).Order());
        using var http = new HttpClient();
        var jwksA = await http.GetStringAsync(a.Url + "/oidc/jwks");
        var jwksB = await http.GetStringAsync(b.Url + "/oidc/jwks");
        Assert.Equal(jwksA, jwksB);
    }
}

public sealed class ScaleOutTests(TwoInstances instances) : IClassFixture<TwoInstances>
{
    private RosterProcess A => instances.A;
    private RosterProcess B => instances.B;

    [Fact]
    public async Task ASessionMadeOnAWorksOnBAndDisablingThePersonOnBEndsItOnA()
    {
        var person = await CreatePersonAsync();
        var jar = new CookieContainer();
        using var onA = new FormClient(A.Url, jar);
        using var onB = new FormClient(B.Url, jar);
        Assert.Equal(HttpStatusCode.Redirect, (await onA.SignInAsync(person.Username, person.Password)).Status);

        Assert.Equal(HttpStatusCode.OK, (await onB.GetAsync("/account")).Status);

        using var owner = await OwnerOnAsync(B);
        var disabled = await owner.SubmitAsync($"/user/{person.Id}", $"/user/{person.Id}?handler=Disable", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.Redirect, disabled.Status);
        var next = await onA.GetAsync("/account", expect: HttpStatusCode.Redirect);
        Assert.Equal(HttpStatusCode.Redirect, next.Status);
        Assert.StartsWith("/login", new Uri(new Uri(A.Url), next.Location).AbsolutePath);
    }

    [Fact]
    public async Task ACodeIssuedByAIsRedeemedExactlyOnceWhenAAndBAreAskedAtOnce()
    {
        var (clientId, clientSecret) = await RegisterAppAsync();
        using var owner = await OwnerOnAsync(A);
        using var tokenA = TokenClient(A, clientId, clientSecret);
        using var tokenB = TokenClient(B, clientId, clientSecret);

        for (var round = 0; round < 5; round++)
        {
            var code = await CodeAsync(owner, clientId);
            var answers = await Task.WhenAll(RedeemAsync(tokenA, code), RedeemAsync(tokenB, code));

            Assert.Single(answers, a => a.Status == HttpStatusCode.OK);
            var refused = Assert.Single(answers, a => a.Status != HttpStatusCode.OK);
            Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
            Assert.Equal("invalid_grant", refused.Body.GetProperty("error").GetString());
        }
    }

    [Fact]
    public async Task MailQueuedOnBothIsDeliveredOnceThoughBothSend()
    {
        var person = await CreatePersonAsync();
        const int each = 6;
        // Each request a browser of its own, half of them through A and half through B, all at once.
        var answers = await Task.WhenAll(Enumerable.Range(0, 2 * each).Select(async i =>
        {
            using var browser = new FormClient(i % 2 == 0 ? A.Url : B.Url);
            return (await browser.SubmitAsync("/forgot-password", new Dictionary<string, string> { ["Identifier"] = person.Username })).Status;
        }));
        Assert.All(answers, status => Assert.Equal(HttpStatusCode.OK, status));

        await Eventually.GetAsync(() => Task.FromResult(Mail(person).Count >= 2 * each ? "" : null), $"{2 * each} reset emails", TimeSpan.FromSeconds(60));
        // A duplicate would come within a few outbox polls.
        await Task.Delay(TimeSpan.FromSeconds(5));
        var received = Mail(person);
        Assert.Equal(2 * each, received.Count);
        Assert.Equal(2 * each, received.Select(m => m.MessageId).Distinct().Count());
    }

    [Fact]
    public async Task AnInvitationAcceptedOnAAndBAtOnceIsAcceptedOnce()
    {
        var email = $"invited-{Guid.NewGuid():N}"[..20] + "@example.org";
        var invited = await instances.CliAsync("user", "invite", "--email", email, "--name", "Invited Person");
        Assert.Equal(0, invited.ExitCode);
        var link = new Uri((await Eventually.GetAsync(() => Task.FromResult(instances.Smtp.Messages.FirstOrDefault(m => m.To.Contains(email))), "the invitation")).Link("/accept-invitation/"));

        using var onA = new FormClient(A.Url);
        using var onB = new FormClient(B.Url);
        var answers = await Task.WhenAll(
            onA.SubmitAsync(link.AbsolutePath, Acceptance("taken-on-a")),
            onB.SubmitAsync(link.AbsolutePath, Acceptance("taken-on-b")));

        var accepted = Assert.Single(answers, a => a.Status == HttpStatusCode.Redirect);
        Assert.Equal("/login", new Uri(new Uri(A.Url), accepted.Location).AbsolutePath);
        var users = await instances.CliAsync("user", "list", "--search", email, "--json");
        using var json = JsonDocument.Parse(users.Stdout);
        var user = Assert.Single(json.RootElement.EnumerateArray());
        Assert.StartsWith("taken-on-", user.GetProperty("username").GetString());
    }

    [Fact]
    public async Task APersonDisabledOnBDisappearsFromAsLdapDirectoryAtOnce()
    {
        var person = await CreatePersonAsync();
        Assert.Contains(person.Username, await LdapUidsAsync(A));

        using var owner = await OwnerOnAsync(B);
        await owner.SubmitAsync($"/user/{person.Id}", $"/user/{person.Id}?handler=Disable", new Dictionary<string, string>());

        // A's directory is kept in memory: B's change must reach it, not wait for A's own next change.
        await Eventually.GetAsync(async () => (await LdapUidsAsync(A)).Contains(person.Username) ? null : "", "A's directory to drop the disabled person", TimeSpan.FromSeconds(3));
    }

    /// <summary>The uids A's LDAP lists to its owner, through Debian's ldapsearch.</summary>
    private static async Task<List<string>> LdapUidsAsync(RosterProcess instance)
    {
        var (exit, output, errors) = await Roster.Tests.Ldap.LdapTools.RunAsync("ldapsearch", "-x", "-LLL", "-H", $"ldap://{instance.LdapAddress}",
            "-D", Roster.Tests.Ldap.LdapTools.UserDn("owner"), "-w", TwoInstances.OwnerPassword, "-b", "ou=people," + Roster.Tests.Ldap.LdapTools.BaseDn, "(objectClass=person)", "uid");
        Assert.True(exit == 0, errors);
        return [.. output.Split('\n').Where(l => l.StartsWith("uid: ", StringComparison.Ordinal)).Select(l => l[5..].Trim())];
    }

    [Fact]
    public async Task FailuresForANameThatIsNoAccountCountOnAAndBTogether()
    {
        // Five failures lock a name, known or not (the message must not tell which); here spread over both.
        var ghost = "ghost-" + Guid.NewGuid().ToString("N")[..8];
        var answers = new List<Page>();
        for (var attempt = 0; attempt < 6; attempt++)
        {
            using var browser = new FormClient(attempt % 2 == 0 ? A.Url : B.Url);
            answers.Add(await browser.SignInAsync(ghost, "a guessed password"));
        }

        Assert.All(answers[..4], page => Assert.DoesNotContain("locked", page.Text, StringComparison.OrdinalIgnoreCase));
        Assert.All(answers[4..], page => Assert.Contains("locked", page.Text, StringComparison.OrdinalIgnoreCase));
    }

    private static Dictionary<string, string> Acceptance(string username) => new()
    {
        ["Username"] = username + Guid.NewGuid().ToString("N")[..6],
        ["Password"] = "a long invitation password",
        ["Confirm"] = "a long invitation password",
    };

    private List<ReceivedMail> Mail(Person person) => [.. instances.Smtp.Messages.Where(m => m.To.Contains(person.Email))];

    private sealed record Person(Guid Id, string Username, string Email, string Password);

    private async Task<Person> CreatePersonAsync()
    {
        var username = "p" + Guid.NewGuid().ToString("N")[..10];
        var person = new Person(Guid.Empty, username, username + "@example.org", "a long test password");
        var created = await instances.CliAsync("user", "create", "--email", person.Email, "--username", username, "--name", "Scaled Person", "--password", person.Password);
        Assert.True(created.ExitCode == 0, created.Stderr);
        var id = created.Stdout.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith("Id: ", StringComparison.Ordinal))[4..];
        return person with { Id = Guid.Parse(id) };
    }

    private static async Task<FormClient> OwnerOnAsync(RosterProcess instance)
    {
        var owner = new FormClient(instance.Url);
        Assert.Equal(HttpStatusCode.Redirect, (await owner.SignInAsync("owner", TwoInstances.OwnerPassword)).Status);
        return owner;
    }

    private async Task<(string ClientId, string ClientSecret)> RegisterAppAsync()
    {
        var created = await instances.CliAsync("app", "create", "--name", "Scaled " + Guid.NewGuid().ToString("N")[..6], "--url", "https://app.example.org",
            "--redirect-uri", TwoInstances.RedirectUri, "--confidential");
        Assert.True(created.ExitCode == 0, created.Stderr);
        string Field(string name) => created.Stdout.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith(name + ": ", StringComparison.Ordinal))[(name.Length + 2)..];
        return (Field("Client ID"), Field("Client secret"));
    }

    /// <summary>New apps require PKCE: every code here is asked for with this one challenge and redeemed with its verifier.</summary>
    private static readonly (string Verifier, string Challenge) Pkce = Oidc.RelyingParty.NewPkce();

    private static async Task<string> CodeAsync(FormClient signedIn, string clientId)
    {
        var page = await signedIn.GetAsync("/oidc/authorize?response_type=code&scope=openid&state=s" +
            $"&client_id={Uri.EscapeDataString(clientId)}&redirect_uri={Uri.EscapeDataString(TwoInstances.RedirectUri)}" +
            $"&code_challenge={Pkce.Challenge}&code_challenge_method=S256", expect: HttpStatusCode.Redirect);
        Assert.Equal(HttpStatusCode.Redirect, page.Status);
        return HttpUtility.ParseQueryString(new Uri(page.Location!).Query)["code"] ?? throw new InvalidOperationException($"No code in {page.Location}");
    }

    private static HttpClient TokenClient(RosterProcess instance, string clientId, string clientSecret)
    {
        var http = new HttpClient { BaseAddress = new Uri(instance.Url) };
        http.DefaultRequestHeaders.Authorization = new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(
            Uri.EscapeDataString(clientId) + ":" + Uri.EscapeDataString(clientSecret))));
        return http;
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> RedeemAsync(HttpClient token, string code)
    {
        using var response = await token.PostAsync("/oidc/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = TwoInstances.RedirectUri,
            ["code_verifier"] = Pkce.Verifier,
        }));
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }
}
