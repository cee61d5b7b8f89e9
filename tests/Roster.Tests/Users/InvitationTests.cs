using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Users;

/// <summary>
/// Invitations (src/Roster/Users/Invitations.cs): an invitation's link, resent, withdrawn and used, and
/// the invitee who was added without a username choosing one. The journey in a real browser is
/// Browser/UserManagementJourneyTests; accepting on two instances at once is Hosting/ScaleOutTests.
/// </summary>
public abstract class InvitationTests(RosterFixture fixture)
{
    private const string NewPassword = "a brand new password";
    private RosterServer Server => fixture.Server;
    private string MailFolder => Path.Combine(Server.DataPath, "mail");

    /// <summary>Asks for a reset link as the person would, and reads it from the email that arrives.</summary>
    private async Task<string> RequestResetLinkAsync(User user)
    {
        using var browser = Server.NewClient();
        await browser.SubmitAsync("/forgot-password", new Dictionary<string, string> { ["Identifier"] = user.Email! });
        var mail = await Eventually.MailAsync(MailFolder, user.Email!);
        return new Uri(mail.Link("/reset-password/")).PathAndQuery;
    }

    private static Dictionary<string, string> NewPasswordForm(string password, string confirm) => new() { ["Password"] = password, ["Confirm"] = confirm };

    [Fact]
    public async Task AnInvitationCanBeResentWhichRetiresTheOldLinkAndWithdrawnWhichRemovesTheAccount()
    {
        var (_, admin) = await Server.SignedInAsync(Role.Admin);
        var email = $"pending{Guid.NewGuid().ToString("N")[..6]}@example.org";
        var invited = await admin.SubmitAsync("/users/invite", new Dictionary<string, string> { ["Email"] = email, ["Name"] = "Pending Person", ["Role"] = "User", ["Notify"] = "true" });
        var userPath = invited.Location!.Split('?')[0];
        var mailFolder = Path.Combine(Server.DataPath, "mail");
        var first = (await Eventually.MailAsync(mailFolder, email)).Link("/accept-invitation/");

        await admin.SubmitAsync(userPath, userPath + "?handler=Resend", new Dictionary<string, string>());
        await Eventually.MailAsync(mailFolder, email, index: 1);
        // The folder has no order of its own: the new link is the one that is not the first.
        var second = ReceivedMail.ReadFolder(mailFolder).Where(m => m.To.Contains(email)).Select(m => m.Link("/accept-invitation/")).Single(l => l != first);
        using var visitor = Server.NewClient();
        Assert.Contains("expired, was already used or was withdrawn", (await visitor.GetAsync(new Uri(first).PathAndQuery)).Errors.Single());
        Assert.Empty((await visitor.GetAsync(new Uri(second).PathAndQuery)).Errors);

        await admin.SubmitAsync(userPath, userPath + "?handler=Revoke", new Dictionary<string, string>());
        Assert.False(await Server.QueryAsync(db => db.Users.AnyAsync(u => u.Email == email)));
        Assert.NotEmpty((await visitor.GetAsync(new Uri(second).PathAndQuery)).Errors);
    }

    [Fact]
    public async Task SomeoneAddedWithoutAUsernameSetsAPasswordSignsInByEmailAndThenChoosesAUsername()
    {
        var email = "quiet" + Guid.NewGuid().ToString("N")[..8] + "@example.org";
        await using (var scope = Server.App.Services.CreateAsyncScope())
            Assert.True((await scope.ServiceProvider.GetRequiredService<Roster.Users.NewUsers>().InviteAsync(
                Roster.Kernel.Actor.Operator, new Roster.Users.NewInvitation(email, "Quiet Person", Role.User, Notify: false))).Succeeded);
        var added = await Server.QueryAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Email == email));
        var link = await RequestResetLinkAsync(added);

        using var browser = Server.NewClient();
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SubmitAsync(link, NewPasswordForm(NewPassword, NewPassword))).Status);
        var signedIn = await browser.SignInAsync(email, NewPassword);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.Status);
        var chosen = await browser.SubmitAsync("/account", "/account?handler=Profile", new Dictionary<string, string>
        {
            ["Name"] = added.Name, ["Email"] = email, ["EmailVisible"] = "true", ["Username"] = "quiet" + added.Id.ToString("N")[..8],
        });

        Assert.Equal(HttpStatusCode.Redirect, chosen.Status);
        Assert.Equal("quiet" + added.Id.ToString("N")[..8], (await Server.StoredUserAsync(added.Id)).UserName);
    }
}

public sealed class InvitationsOnSqlite(SqliteRoster fixture) : InvitationTests(fixture), IClassFixture<SqliteRoster>;

public sealed class InvitationsOnPostgres(PostgresRoster fixture) : InvitationTests(fixture), IClassFixture<PostgresRoster>;
