using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Cli;

/// <summary>`roster owner-login` through the real executable, against a running server, for an owner who has two-factor on.</summary>
public sealed partial class OwnerLoginTests
{
    private static readonly Dictionary<string, string?> Owners = new()
    {
        ["Roster__Owner__Username"] = "boss",
        ["Roster__Owner__Email"] = "boss@example.net",
        ["Roster__Owner__Password"] = "the owner's own password",
    };

    [Fact]
    public async Task TheOneTimePasswordSignsInAnOwnerWithTwoFactorOnceAndWithoutTheSecondFactor()
    {
        using var folder = new TempDirectory();
        await using var server = await RosterProcess.StartServerAsync(folder.Path, Owners);
        // Two-factor on for the owner, as enrolment leaves it (the key itself does not matter here).
        await using (var database = new SqliteConnection($"Data Source={Path.Combine(folder.Path, "data", "roster.db")};Pooling=False"))
        {
            await database.OpenAsync();
            await using var command = database.CreateCommand();
            command.CommandText = """
                UPDATE Users SET TwoFactorEnabled = 1 WHERE UserName = 'boss';
                INSERT INTO TwoFactorKeys (UserId, ProtectedKey, LastUsedStep, CreatedAt, ConfirmedAt)
                SELECT Id, 'not-a-real-key', 0, '2026-01-01 00:00:00', '2026-01-01 00:00:00' FROM Users WHERE UserName = 'boss';
                """;
            await command.ExecuteNonQueryAsync();
        }
        using (var withPassword = new FormClient(server.Url))
            Assert.StartsWith("/login/two-factor", (await withPassword.SignInAsync("boss", "the owner's own password")).Location);

        var issued = await RosterProcess.RunAsync(folder.Path, Owners, "owner-login");

        Assert.Equal(0, issued.ExitCode);
        Assert.Contains("Username: boss", issued.Stdout);
        var oneTime = OneTimePasswordLine().Match(issued.Stdout).Groups[1].Value;
        using var first = new FormClient(server.Url);
        Assert.Equal("/", (await first.SignInAsync("boss", oneTime)).Location);
        using var second = new FormClient(server.Url);
        var again = await second.SignInAsync("boss", oneTime);
        Assert.Null(again.Location);
        Assert.Contains("The email, username or password is not right.", again.Errors);
        var unknown = await RosterProcess.RunAsync(folder.Path, Owners, "owner-login", "--owner", "nobody");
        Assert.Equal((1, ""), (unknown.ExitCode, unknown.Stdout));
        Assert.Single(unknown.Stderr.TrimEnd().Split('\n'));
    }

    [GeneratedRegex(@"One-time password: (\S+)")]
    private static partial Regex OneTimePasswordLine();
}
