using Microsoft.EntityFrameworkCore;
using Roster.Outbox;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Outbox;

/// <summary>The outbox promise: a crash (SIGKILL) while mail is queued loses none and, after restart, sends each message once.</summary>
public sealed class OutboxCrashTests
{
    private const int Messages = 5;

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task MailQueuedWhenTheServerIsKilledIsDeliveredExactlyOnceAfterRestart(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        using var folder = new TempDirectory();
        var smtp = new SmtpSink();
        var environment = RosterServer.TestSettings(Path.Combine(folder.Path, "data"))
            .Concat(database.Settings())
            .Concat(smtp.RosterSettings())
            .Append(new("Roster:Owner:Password", "correct battery staple"))
            .AsEnvironment();

        // The SMTP server is not up yet, so every message fails its first attempts and stays queued.
        await using (var server = await RosterProcess.StartServerAsync(folder.Path, environment))
        {
            using var browser = new FormClient(server.Url);
            for (var i = 0; i < Messages; i++)
                await browser.SubmitAsync("/forgot-password", new Dictionary<string, string> { ["Identifier"] = "owner" });
            await Eventually.GetAsync(async () =>
            {
                await using var db = database.Connect();
                var tried = await db.Outbox.CountAsync(m => m.SentAt == null && m.Attempts > 0);
                return tried == Messages ? "" : null;
            }, "every message to have failed a delivery attempt");
            server.Kill();
        }

        await using (await smtp.StartAsync())
        await using (var restarted = await RosterProcess.StartServerAsync(folder.Path, environment))
        {
            await Eventually.GetAsync(() => Task.FromResult(smtp.Messages.Count >= Messages ? "" : null), $"{Messages} delivered messages", TimeSpan.FromSeconds(60));
            // Give a duplicate the time to arrive if one were coming: a few outbox polls.
            await Task.Delay(TimeSpan.FromSeconds(5));

            var received = smtp.Messages;
            Assert.Equal(Messages, received.Count);
            Assert.Equal(Messages, received.Select(m => m.MessageId).Distinct().Count());
            Assert.All(received, m => Assert.Equal("Reset your Roster password", m.Subject));
            await using var db = database.Connect();
            Assert.Equal(Messages, await db.Outbox.CountAsync(m => m.Channel == OutboxChannel.Email && m.SentAt != null));
            Assert.Equal(0, await db.Outbox.CountAsync(m => m.TextBody != ""));
        }
    }
}
