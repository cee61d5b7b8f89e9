using System.Net;
using System.Text.Json;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Cli;

/// <summary>
/// `roster export` and `roster import` through the real executable: a populated Roster exported and imported into an
/// empty one (a second database: SQLite, or PostgreSQL, which is also how a SQLite Roster moves to PostgreSQL) has the
/// same people, groups and apps, and its people sign in with their passwords.
/// </summary>
public sealed class TransferCommandTests : IAsyncLifetime
{
    private readonly TempDirectory source = new();
    private readonly TempDirectory target = new();
    private TestDatabase? targetDatabase;
    private readonly Dictionary<string, string?> environment = new()
    {
        ["Roster__PublicUrl"] = "https://id.example.org",
        ["Roster__Owner__Password"] = "the operators secret",
        ["Roster__Accounts__PasswordIterations"] = "1000",
    };

    public async Task InitializeAsync() => Assert.Equal(0, (await RunAsync(source, "migrate")).ExitCode);

    /// <summary>The target Roster on SQLite (a file in its own folder, like the source) or on a fresh PostgreSQL database.</summary>
    private async Task UseTargetAsync(string provider)
    {
        if (provider == "Postgres")
            targetDatabase = await TestDatabase.CreateAsync(provider);
        Assert.Equal(0, (await RunAsync(target, "migrate")).ExitCode);
    }

    public async Task DisposeAsync()
    {
        source.Dispose();
        target.Dispose();
        if (targetDatabase is not null)
            await targetDatabase.DisposeAsync();
    }

    private Dictionary<string, string?> EnvironmentOf(TempDirectory folder)
    {
        var result = new Dictionary<string, string?>(environment);
        if (folder == target && targetDatabase is not null)
        {
            result["Roster__Database__Provider"] = targetDatabase.Provider;
            result["Roster__Database__ConnectionString"] = targetDatabase.ConnectionString;
        }
        return result;
    }

    private Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(TempDirectory folder, params string[] args) =>
        RosterProcess.RunAsync(folder.Path, EnvironmentOf(folder), args);

    private async Task<JsonElement> ListAsync(TempDirectory folder, string what)
    {
        var listed = await RunAsync(folder, what, "list", "--json");
        Assert.Equal(0, listed.ExitCode);
        return JsonDocument.Parse(listed.Stdout).RootElement;
    }

    private static string Normalized(JsonElement rows, params string[] ignored) => string.Join("\n", rows.EnumerateArray()
        .Select(row => string.Join("|", row.EnumerateObject().Where(p => !ignored.Contains(p.Name)).Select(p => $"{p.Name}={p.Value}")))
        .Order(StringComparer.Ordinal));

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task AnExportImportedIntoAnEmptyRosterGivesTheSamePeopleGroupsAppsAndSignIns(string targetProvider)
    {
        await UseTargetAsync(targetProvider);
        Assert.Equal(0, (await RunAsync(source, "user", "create", "--email", "ada@example.org", "--username", "ada", "--name", "Ada Lovelace", "--role", "Admin", "--password", "correct horse battery one")).ExitCode);
        Assert.Equal(0, (await RunAsync(source, "user", "create", "--email", "bob@example.org", "--username", "bob", "--name", "Bob", "--password", "correct horse battery two", "--disabled")).ExitCode);
        Assert.Equal(0, (await RunAsync(source, "group", "create", "staff", "--description", "Everyone on staff")).ExitCode);
        Assert.Equal(0, (await RunAsync(source, "group", "add-member", "staff", "ada", "bob")).ExitCode);
        Assert.Equal(0, (await RunAsync(source, "app", "create", "--name", "Wiki", "--url", "https://wiki.example.org", "--group", "staff",
            "--redirect-uri", "https://wiki.example.org/callback")).ExitCode);
        Assert.Equal(0, (await RunAsync(source, "app", "consent", "Wiki", "on")).ExitCode);
        Assert.Equal(0, (await RunAsync(source, "app", "device-grant", "Wiki", "on")).ExitCode);
        Assert.Equal(0, (await RunAsync(source, "app", "role", "add", "Wiki", "editor", "--description", "Edits pages")).ExitCode);
        Assert.Equal(0, (await RunAsync(source, "app", "role", "give", "Wiki", "editor", "--group", "staff")).ExitCode);
        Assert.Equal(0, (await RunAsync(source, "app", "role", "give", "Wiki", "editor", "--person", "ada")).ExitCode);
        var file = Path.Combine(source.Path, "export.json");

        var exported = await RunAsync(source, "export", "--output", file);
        Assert.Equal(0, exported.ExitCode);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        var document = JsonDocument.Parse(await File.ReadAllTextAsync(file)).RootElement;
        Assert.Equal(("roster-export", 1), (document.GetProperty("format").GetString(), document.GetProperty("version").GetInt32()));
        Assert.Equal(JsonValueKind.Null, document.GetProperty("apps")[0].GetProperty("clientSecretHash").ValueKind);

        var dry = await RunAsync(target, "import", file, "--dry-run");
        Assert.Equal(0, dry.ExitCode);
        Assert.Contains("Dry run: 4 to create", dry.Stdout);
        Assert.Equal("[]", (await RunAsync(target, "user", "list", "--json")).Stdout.Trim());
        var imported = await RunAsync(target, "import", file);
        Assert.True(imported.ExitCode == 0, imported.Stderr);

        Assert.Equal(Normalized(await ListAsync(source, "user"), "updatedAt"), Normalized(await ListAsync(target, "user"), "updatedAt"));
        Assert.Equal(Normalized(await ListAsync(source, "group")), Normalized(await ListAsync(target, "group")));
        Assert.Equal(Normalized(await ListAsync(source, "app")), Normalized(await ListAsync(target, "app")));
        Assert.Equal("editor\tgroup:staff,ada\tEdits pages", (await RunAsync(target, "app", "role", "list", "Wiki")).Stdout.Trim());
        var wiki = document.GetProperty("apps")[0];
        Assert.Equal((true, true), (wiki.GetProperty("requireConsent").GetBoolean(), wiki.GetProperty("allowDeviceGrant").GetBoolean()));

        // A second import of the same file changes nothing: everyone and everything is skipped.
        var again = await RunAsync(target, "import", file);
        Assert.Contains("0 created, 0 changed, 4 skipped", again.Stdout);

        await using var server = await RosterProcess.StartServerAsync(target.Path, EnvironmentOf(target));
        using var browser = new FormClient(server.Url);
        Assert.Equal(HttpStatusCode.OK, (await browser.SignInAsync("ada", "correct horse battery zero")).Status);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync("ada", "correct horse battery one")).Status);
        using var disabled = new FormClient(server.Url);
        Assert.NotEqual(HttpStatusCode.Redirect, (await disabled.SignInAsync("bob", "correct horse battery two")).Status);
    }

    [Fact]
    public async Task ABadFileIsReportedPerLineExitsOneAndStoresNothing()
    {
        await UseTargetAsync("Sqlite");
        var csv = Path.Combine(target.Path, "people.csv");
        await File.WriteAllTextAsync(csv, "username,email,name,password_hash\nann,ann@example.org,Ann,{CRYPT}abc\nann,ann2@example.org,Ann Two,\n");
        var refused = await RunAsync(target, "import", csv);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("people.csv:2:", refused.Stderr);
        Assert.Contains("people.csv:3:", refused.Stderr);
        Assert.EndsWith("2 problems in " + csv + "; nothing was imported.", refused.Stderr.Trim());
        Assert.Equal("[]", (await RunAsync(target, "user", "list", "--json")).Stdout.Trim());

        var unknown = await RunAsync(target, "import", Path.Combine(target.Path, "people.txt"));
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("--format", unknown.Stderr);
    }
}
