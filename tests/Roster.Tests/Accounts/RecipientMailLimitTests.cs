using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Roster.Outbox;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Accounts;

/// <summary>The default limit, which the other tests' settings lift.</summary>
public sealed class MailLimitOnSqlite() : RosterFixture("Sqlite")
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Roster:RateLimit:LinkEmailsPerRecipientPerHour"] = "5" };
}

public sealed class MailLimitOnPostgres() : RosterFixture("Postgres")
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Roster:RateLimit:LinkEmailsPerRecipientPerHour"] = "5" };
}

/// <summary>At most five reset and invitation emails per address and hour, however they are asked for.</summary>
public abstract class RecipientMailLimitTests(RosterFixture fixture)
{
    private const string Password = "the old password";
    private RosterServer Server => fixture.Server;

    private async Task<User> NewUserAsync() => await Server.CreateUserAsync("user" + Guid.NewGuid().ToString("N")[..8], Password);

    private Task<int> EmailsToAsync(string address) =>
        Server.QueryAsync(db => db.Outbox.CountAsync(m => m.Channel == OutboxChannel.Email && m.To == address));

    private async Task<string?> ForgotPasswordAsync(string identifier)
    {
        using var browser = Server.NewClient();
        return (await browser.SubmitAsync("/forgot-password", new Dictionary<string, string> { ["Identifier"] = identifier })).Notice;
    }

    /// <summary>Waits until the outbox sender has handled every "forgot password" request made so far.</summary>
    private async Task RequestsHandledAsync() =>
        await Eventually.GetAsync(async () => await Server.QueryAsync(db =>
            db.Outbox.AnyAsync(m => m.Channel == OutboxChannel.PasswordResetRequest && m.SentAt == null)) ? null : "", "the reset requests to be handled");

    [Fact]
    public async Task ForgotPasswordPastFiveEmailsAnHourSendsNothingMoreAndAnswersAsAlways()
    {
        var user = await NewUserAsync();
        // Typed in different ways, all the same person and the same address.
        string[] typed = [user.Email!, user.Email!.ToUpperInvariant(), user.UserName!, " " + user.Email, user.UserName!.ToUpperInvariant(), user.Email];

        var notices = new List<string?>();
        foreach (var identifier in typed)
            notices.Add(await ForgotPasswordAsync(identifier));
        await RequestsHandledAsync();

        Assert.Single(notices.Distinct());
        Assert.NotNull(notices[0]);
        Assert.Equal(5, await EmailsToAsync(user.Email));

        Server.Clock.Advance(TimeSpan.FromMinutes(61));
        await ForgotPasswordAsync(user.Email);
        await RequestsHandledAsync();
        Assert.Equal(6, await EmailsToAsync(user.Email));
    }

    [Fact]
    public async Task AnAdminsEmailedResetLinkPastTheLimitIsRefusedWithAClearErrorButCopyingStillWorks()
    {
        var user = await NewUserAsync();
        var (admin, _) = await Server.SignedInAsync(Role.Admin);
        using var api = await Server.ApiClientAsync(admin);
        // The person's own requests and the admin's emails share one count.
        await ForgotPasswordAsync(user.Email!);
        await ForgotPasswordAsync(user.UserName!);
        await RequestsHandledAsync();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var sent = await api.PostAsJsonAsync($"/api/v1/users/{user.Id}/reset-link", new { email = true });
            statuses.Add(sent.StatusCode);
        }
        using var refused = await api.PostAsJsonAsync($"/api/v1/users/{user.Id}/reset-link", new { email = true });
        using var copied = await api.PostAsJsonAsync($"/api/v1/users/{user.Id}/reset-link", new { email = false });

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["mail.recipient_limit"], problem.GetProperty("codes").EnumerateArray().Select(c => c.GetString()));
        Assert.Contains("already sent 5 emails with links this hour", problem.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.OK, copied.StatusCode);
        Assert.Equal(5, await EmailsToAsync(user.Email!));
    }

    [Fact]
    public async Task AnInvitationToAnAddressThatHadItsFiveLinksThisHourIsRefusedAndNothingIsCreated()
    {
        var (_, admin) = await Server.SignedInAsync(Role.Admin);
        var email = $"again{Guid.NewGuid().ToString("N")[..6]}@example.org";
        var invite = new Dictionary<string, string> { ["Email"] = email, ["Name"] = "Invited Again", ["Role"] = "User", ["Notify"] = "true" };
        for (var i = 0; i < 5; i++)
        {
            var invited = await admin.SubmitAsync("/users/invite", invite);
            var userPath = invited.Location!.Split('?')[0];
            Assert.Equal(HttpStatusCode.Redirect, (await admin.SubmitAsync(userPath, userPath + "?handler=Revoke", new Dictionary<string, string>())).Status);
        }

        // A refused invitation answers 400 with the form again, as every refused form does.
        var refused = await admin.SubmitAsync("/users/invite", invite, expect: HttpStatusCode.BadRequest);

        Assert.Contains(refused.Errors, e => e.Contains($"{email} was already sent 5 emails with links this hour"));
        Assert.False(await Server.QueryAsync(db => db.Users.AnyAsync(u => u.Email == email)));
        Assert.Equal(5, await EmailsToAsync(email));
    }

    [Fact]
    public async Task AnInvitationResentPastTheLimitIsRefusedWithAClearError()
    {
        var (_, admin) = await Server.SignedInAsync(Role.Admin);
        var email = $"pending{Guid.NewGuid().ToString("N")[..6]}@example.org";
        var invited = await admin.SubmitAsync("/users/invite", new Dictionary<string, string> { ["Email"] = email, ["Name"] = "Pending Person", ["Role"] = "User", ["Notify"] = "true" });
        var userPath = invited.Location!.Split('?')[0];

        var resends = new List<HttpStatusCode>();
        // The first invitation counts too: four resends make five emails.
        for (var i = 0; i < 4; i++)
            resends.Add((await admin.SubmitAsync(userPath, userPath + "?handler=Resend", new Dictionary<string, string>())).Status);
        var refused = await admin.SubmitAsync(userPath, userPath + "?handler=Resend", new Dictionary<string, string>(), expect: HttpStatusCode.BadRequest);

        Assert.All(resends, status => Assert.Equal(HttpStatusCode.Redirect, status));
        Assert.Contains(refused.Errors, e => e.Contains($"{email} was already sent 5 emails with links this hour"));
        Assert.Equal(5, await EmailsToAsync(email));
    }
}

public sealed class RecipientMailLimitOnSqlite(MailLimitOnSqlite fixture) : RecipientMailLimitTests(fixture), IClassFixture<MailLimitOnSqlite>;

public sealed class RecipientMailLimitOnPostgres(MailLimitOnPostgres fixture) : RecipientMailLimitTests(fixture), IClassFixture<MailLimitOnPostgres>;
