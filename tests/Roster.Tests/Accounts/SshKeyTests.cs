using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Roster.Accounts;
using Roster.Audit;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Accounts;

/// <summary>
/// SSH public keys on /account/ssh-keys and /api/v1/users/{id}/ssh-keys: a person manages their own; another
/// person's keys only as Permissions allows (user managers see and remove, admins also add); bad keys, duplicates
/// and other people's key ids change nothing; every change is audited.
/// </summary>
public sealed class SshKeyTests(SqliteRoster fixture) : IClassFixture<SqliteRoster>
{
    private RosterServer Server => fixture.Server;

    private static Dictionary<string, string> Key(string line) => new() { ["PublicKey"] = line };

    private Task<List<SshKey>> StoredKeysAsync(Guid userId) => Server.QueryAsync(db => db.SshKeys.AsNoTracking().Where(k => k.UserId == userId).ToListAsync());

    private async Task<SshKey> AddAsync(User user, string line)
    {
        await using var scope = Server.App.Services.CreateAsyncScope();
        var added = await scope.ServiceProvider.GetRequiredService<SshKeys>().AddAsync(Actor.For(user), user.Id, line);
        Assert.True(added.Succeeded, string.Join(" ", added.Errors.Select(e => e.Message)));
        return added.Value!;
    }

    private static async Task<List<string>> CodesAsync(HttpResponseMessage response)
    {
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return [.. problem.RootElement.GetProperty("codes").EnumerateArray().Select(c => c.GetString()!)];
    }

    [Fact]
    public async Task APersonAddsAKeySeesItsFingerprintAndRemovesItOnlyAfterConfirming()
    {
        var (me, browser) = await Server.SignedInAsync(Role.User);
        var line = (await SshKeygen.NewAsync("ed25519", comment: "me@laptop")).PublicLine;
        var fingerprint = (await SshKeygen.FingerprintLineAsync(line)).Split(' ')[1];

        var added = await browser.SubmitAsync("/account/ssh-keys", "/account/ssh-keys?handler=Add", Key(line));
        var listed = await browser.GetAsync("/account/ssh-keys?done=added");
        var account = await browser.GetAsync("/account");

        Assert.Equal("/account/ssh-keys?done=added", added.Location);
        Assert.Contains(fingerprint, listed.Text);
        Assert.Contains(fingerprint, account.Text);
        Assert.Contains((await Server.StoredUserAsync(me.Id)).UidNumber.ToString(), account.Text);
        var key = Assert.Single(await StoredKeysAsync(me.Id));
        Assert.Equal((line, fingerprint), (key.Line, key.Fingerprint));

        // The link asks first; asking changes nothing.
        var link = listed.Document.QuerySelectorAll("a").Single(a => a.TextContent.Trim() == "Remove me@laptop").GetAttribute("href")!;
        var confirm = await browser.GetAsync(link);
        Assert.Contains("Remove me@laptop?", confirm.Document.QuerySelector("#confirm-heading")!.TextContent);
        Assert.Single(await StoredKeysAsync(me.Id));

        var removed = await browser.SubmitAsync(link, "/account/ssh-keys?handler=Remove", new Dictionary<string, string> { ["KeyId"] = key.Id.ToString() });

        Assert.Equal("/account/ssh-keys?done=removed", removed.Location);
        Assert.Empty(await StoredKeysAsync(me.Id));
        var events = await Server.QueryAsync(db => db.AuditEvents.Where(e => e.TargetId == me.Id && e.Action.StartsWith("ssh-key.")).OrderBy(e => e.At).ToListAsync());
        Assert.Equal([AuditActions.SshKeyAdded, AuditActions.SshKeyRemoved], events.Select(e => e.Action));
        Assert.All(events, e => Assert.Equal(me.Id, e.ActorId));
        Assert.All(events, e => Assert.Contains(fingerprint, e.Details));
    }

    [Fact]
    public async Task ABadKeyIsRefusedOnThePageWithItsReasonAndNothingStored()
    {
        var (me, browser) = await Server.SignedInAsync(Role.User);
        var ed25519 = await SshKeygen.SharedAsync("ed25519");
        var wrongInnerType = "ssh-rsa " + ed25519.Split(' ')[1];
        var (_, privateKey) = await SshKeygen.NewAsync("ed25519");

        var garbage = await browser.SubmitAsync("/account/ssh-keys", "/account/ssh-keys?handler=Add", Key("not a key at all"), expect: HttpStatusCode.BadRequest);
        var mislabelled = await browser.SubmitAsync("/account/ssh-keys", "/account/ssh-keys?handler=Add", Key(wrongInnerType), expect: HttpStatusCode.BadRequest);
        var huge = await browser.SubmitAsync("/account/ssh-keys", "/account/ssh-keys?handler=Add", Key("ssh-ed25519 " + new string('A', 100 * 1024)), expect: HttpStatusCode.BadRequest);
        var secret = await browser.SubmitAsync("/account/ssh-keys", "/account/ssh-keys?handler=Add", Key(privateKey), expect: HttpStatusCode.BadRequest);

        Assert.Contains(garbage.Errors, e => e.Contains("must start with its type"));
        Assert.Equal("not a key at all", garbage.Document.QuerySelector("#public-key")!.TextContent);
        Assert.Contains(mislabelled.Errors, e => e.Contains("not a valid ssh-rsa key"));
        Assert.Contains(huge.Errors, e => e.Contains("at most 8,192 characters"));
        Assert.Contains(secret.Errors, e => e.Contains("That is a private key"));
        // The private key is not sent back to the browser.
        Assert.Equal("", secret.Document.QuerySelector("#public-key")!.TextContent);
        Assert.DoesNotContain("PRIVATE KEY", secret.Text);
        Assert.Empty(await StoredKeysAsync(me.Id));
    }

    [Fact]
    public async Task NobodyRemovesOrSeesAnotherPersonsKeyByItsIdOnTheirOwnPage()
    {
        var (bob, _) = await Server.SignedInAsync(Role.User);
        var (_, attacker) = await Server.SignedInAsync(Role.Admin);
        var key = await AddAsync(bob, (await SshKeygen.NewAsync("ed25519", comment: "bob@desk")).PublicLine);

        var confirm = await attacker.GetAsync($"/account/ssh-keys?remove={key.Id}");
        var refused = await attacker.SubmitAsync("/account/ssh-keys", "/account/ssh-keys?handler=Remove",
            new Dictionary<string, string> { ["KeyId"] = key.Id.ToString() }, expect: HttpStatusCode.NotFound);

        Assert.Null(confirm.Document.QuerySelector("#confirm-heading"));
        Assert.DoesNotContain(key.Fingerprint, confirm.Text);
        Assert.Equal(HttpStatusCode.NotFound, refused.Status);
        Assert.Single(await StoredKeysAsync(bob.Id));
    }

    [Fact]
    public async Task OneKeyOpensOneAccountAndIsNotAddedTwice()
    {
        var (alice, aliceBrowser) = await Server.SignedInAsync(Role.User);
        var (bob, bobBrowser) = await Server.SignedInAsync(Role.User);
        var line = (await SshKeygen.NewAsync("ecdsa", 256)).PublicLine;
        await aliceBrowser.SubmitAsync("/account/ssh-keys", "/account/ssh-keys?handler=Add", Key(line));

        var again = await aliceBrowser.SubmitAsync("/account/ssh-keys", "/account/ssh-keys?handler=Add", Key(line), expect: HttpStatusCode.BadRequest);
        var elsewhere = await bobBrowser.SubmitAsync("/account/ssh-keys", "/account/ssh-keys?handler=Add", Key(line.Replace("test@host", "other comment")), expect: HttpStatusCode.BadRequest);

        Assert.Contains("This key is already on the account.", again.Errors);
        Assert.Contains(elsewhere.Errors, e => e.StartsWith("This key is already on another account."));
        Assert.DoesNotContain(alice.UserName!, elsewhere.Text);
        Assert.Single(await StoredKeysAsync(alice.Id));
        Assert.Empty(await StoredKeysAsync(bob.Id));
    }

    [Fact]
    public async Task ThroughTheApiAPersonListsAddsAndRemovesTheirOwnKeys()
    {
        var me = await Server.CreateUserAsync("api" + Guid.NewGuid().ToString("N")[..8], "a long test password");
        using var api = await Server.ApiClientAsync(me);
        var line = await SshKeygen.SharedAsync("rsa", 2048);

        using var created = await api.PostAsJsonAsync($"/api/v1/users/{me.Id}/ssh-keys", new { publicKey = line });
        var key = (await created.Content.ReadFromJsonAsync<JsonElement>());
        var listed = await api.GetFromJsonAsync<JsonElement>($"/api/v1/users/{me.Id}/ssh-keys");
        using var huge = await api.PostAsJsonAsync($"/api/v1/users/{me.Id}/ssh-keys", new { publicKey = "ssh-ed25519 " + new string('A', 100 * 1024) });
        using var deleted = await api.DeleteAsync($"/api/v1/users/{me.Id}/ssh-keys/{key.GetProperty("id").GetString()}");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal((line, 2048), (key.GetProperty("publicKey").GetString(), key.GetProperty("bits").GetInt32()));
        Assert.Equal([key.GetProperty("fingerprint").GetString()], listed.EnumerateArray().Select(k => k.GetProperty("fingerprint").GetString()));
        Assert.Equal(HttpStatusCode.BadRequest, huge.StatusCode);
        Assert.Equal(["ssh_key.too_long"], await CodesAsync(huge));
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Empty(await StoredKeysAsync(me.Id));
    }

    [Fact]
    public async Task ThroughTheApiOnlyTheRolesAllowedActOnSomeoneElsesKeys()
    {
        var (target, _) = await Server.SignedInAsync(Role.User);
        var (admin, _) = await Server.SignedInAsync(Role.Admin);
        var (plain, _) = await Server.SignedInAsync(Role.User);
        var (manager, _) = await Server.SignedInAsync(Role.UserManager);
        var targetKey = await AddAsync(target, (await SshKeygen.NewAsync("ed25519")).PublicLine);
        var adminKey = await AddAsync(admin, (await SshKeygen.NewAsync("ed25519")).PublicLine);
        using var asPlain = await Server.ApiClientAsync(plain);
        using var asManager = await Server.ApiClientAsync(manager);
        using var asAdmin = await Server.ApiClientAsync(admin);
        var offered = new { publicKey = (await SshKeygen.NewAsync("ed25519", comment: "planted")).PublicLine };

        // A plain user: nothing of anyone else's, and not even their own id with another person's key.
        using (var list = await asPlain.GetAsync($"/api/v1/users/{target.Id}/ssh-keys"))
            Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
        using (var plant = await asPlain.PostAsJsonAsync($"/api/v1/users/{target.Id}/ssh-keys", offered))
            Assert.Equal(HttpStatusCode.Forbidden, plant.StatusCode);
        using (var remove = await asPlain.DeleteAsync($"/api/v1/users/{target.Id}/ssh-keys/{targetKey.Id}"))
            Assert.Equal(HttpStatusCode.Forbidden, remove.StatusCode);
        using (var sideways = await asPlain.DeleteAsync($"/api/v1/users/{plain.Id}/ssh-keys/{targetKey.Id}"))
            Assert.Equal(HttpStatusCode.NotFound, sideways.StatusCode);

        // A user manager sees and removes keys of the people they manage, never an admin's, and adds none.
        using (var list = await asManager.GetAsync($"/api/v1/users/{target.Id}/ssh-keys"))
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        using (var plant = await asManager.PostAsJsonAsync($"/api/v1/users/{target.Id}/ssh-keys", offered))
            Assert.Equal(HttpStatusCode.Forbidden, plant.StatusCode);
        using (var above = await asManager.DeleteAsync($"/api/v1/users/{admin.Id}/ssh-keys/{adminKey.Id}"))
            Assert.Equal(HttpStatusCode.Forbidden, above.StatusCode);
        Assert.Single(await StoredKeysAsync(target.Id));
        Assert.Single(await StoredKeysAsync(admin.Id));
        using (var remove = await asManager.DeleteAsync($"/api/v1/users/{target.Id}/ssh-keys/{targetKey.Id}"))
            Assert.Equal(HttpStatusCode.NoContent, remove.StatusCode);
        Assert.Empty(await StoredKeysAsync(target.Id));

        // An admin may add one; the person sees who did.
        using (var added = await asAdmin.PostAsJsonAsync($"/api/v1/users/{target.Id}/ssh-keys", offered))
            Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var planted = Assert.Single(await StoredKeysAsync(target.Id));
        Assert.Equal(admin.UserName, planted.AddedBy);
        var events = await Server.QueryAsync(db => db.AuditEvents.Where(e => e.TargetId == target.Id && e.Action.StartsWith("ssh-key.")).OrderBy(e => e.At).ToListAsync());
        Assert.Equal([(AuditActions.SshKeyAdded, target.Id), (AuditActions.SshKeyRemoved, manager.Id), (AuditActions.SshKeyAdded, admin.Id)],
            events.Select(e => (e.Action, e.ActorId!.Value)));
    }
}
