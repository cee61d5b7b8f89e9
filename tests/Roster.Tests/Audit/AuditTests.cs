using System.Net.Http.Json;
using System.Text.Json;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Audit;

public sealed class AuditTests(SqliteRoster fixture) : IClassFixture<SqliteRoster>
{
    private RosterServer Server => fixture.Server;

    [Fact]
    public async Task UserChangesAndSignInsAreRecordedWithActorTargetAndAddressAndCanBeFilteredAndExported()
    {
        var (admin, browser) = await Server.SignedInAsync(Role.Admin);
        var target = await Server.CreateUserAsync("audited" + Guid.NewGuid().ToString("N")[..6], "a long test password");
        await browser.SubmitAsync($"/user/{target.Id}", $"/user/{target.Id}?handler=Disable", new Dictionary<string, string>());
        await Server.NewClient().SignInAsync(target.UserName!, "wrong password");

        var page = await browser.GetAsync($"/audit?target={target.UserName}&action=user.disabled");
        var rows = page.Document.QuerySelectorAll("tbody tr").Select(r => r.TextContent).ToList();
        var row = Assert.Single(rows);
        Assert.Contains(admin.UserName!, row);
        Assert.Contains("127.0.0.1", row);

        var all = (await browser.GetAsync($"/audit?target={target.UserName}")).Document.QuerySelectorAll("tbody tr").Select(r => r.TextContent).ToList();
        Assert.Contains(all, r => r.Contains("sign-in.failed"));

        using var csv = await browser.Http.GetAsync($"/audit/export.csv?target={target.UserName}");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("time,action,actor,target,address,details", lines[0]);
        Assert.Contains(lines, l => l.Contains(",user.disabled,") && l.Contains(admin.UserName!));

        var json = await browser.Http.GetFromJsonAsync<JsonElement>($"/audit/export.json?action=user.disabled&target={target.UserName}");
        var entry = Assert.Single(json.EnumerateArray());
        Assert.Equal(target.Id, entry.GetProperty("targetId").GetGuid());
    }

    [Fact]
    public async Task AFutureDateRangeFindsNothing()
    {
        var (_, browser) = await Server.SignedInAsync(Role.Admin);
        using (var stranger = Server.NewClient())
            await stranger.SignInAsync("nobody-" + Guid.NewGuid().ToString("N")[..6], "wrong password");
        // The server's clock, not the machine's: events are stamped by it.
        var future = Server.Clock.GetUtcNow().AddDays(2).ToString("yyyy-MM-dd");

        var unfiltered = await browser.GetAsync("/audit?action=sign-in.failed");
        var page = await browser.GetAsync($"/audit?action=sign-in.failed&from={future}");

        // The audit page itself (an error page has no rows either), with the date it was asked for, and no events
        // where the same search without the date finds some.
        Assert.NotEmpty(unfiltered.Document.QuerySelectorAll("table.list tbody tr"));
        Assert.Equal("Audit log", page.Document.QuerySelector("h1")?.TextContent);
        Assert.Equal(future, page.Document.QuerySelector("input#from")?.GetAttribute("value"));
        Assert.NotNull(page.Document.QuerySelector("table.list thead"));
        Assert.Empty(page.Document.QuerySelectorAll("table.list tbody tr"));
        Assert.Null(page.Document.QuerySelector("nav.pages a"));
    }

    [Fact]
    public async Task CsvCellsThatLookLikeFormulasAreDefused()
    {
        var (_, browser) = await Server.SignedInAsync(Role.Admin);
        await Server.NewClient().SignInAsync("=HYPERLINK(\"http://evil\")", "wrong password");

        var csv = await browser.Http.GetStringAsync("/audit/export.csv?action=sign-in.failed");

        Assert.DoesNotContain(",=HYPERLINK", csv);
        Assert.Contains("'=HYPERLINK", csv.Replace("\"\"", "\""));
    }
}
