using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Provisioning;

/// <summary>A user or group as the provider holds it.</summary>
public sealed record ProvidedResource(string Id, string? ExternalId, string? UserName, string? DisplayName, string? Email, bool Active, IReadOnlyList<string> Members);

/// <summary>
/// tests/interop/scim/server.js: a SCIM 2.0 service provider built on scimmy and scimmy-routers (npm packages we did
/// not write), in a Node process of its own on a free 127.0.0.1 port, its state kept in a file so that stopping and
/// starting it again keeps it. The test reads its state over SCIM, with the token, like any client.
/// </summary>
public sealed class ScimProvider : IAsyncDisposable
{
    public const string Token = "scim-token-4f1c2a9e-only-for-tests";

    private readonly TempDirectory folder = new();
    private readonly HttpClient http = new();
    private Process? node;

    public int Port { get; private set; }
    public string BaseUrl => $"http://127.0.0.1:{Port}/scim";
    private string Control => $"http://127.0.0.1:{Port}/control";

    public static async Task<ScimProvider> StartAsync()
    {
        var provider = new ScimProvider();
        provider.http.DefaultRequestHeaders.Authorization = new("Bearer", Token);
        await provider.RestartAsync();
        return provider;
    }

    /// <summary>Starts the provider (again), on the port it had before if it had one, with the state it had.</summary>
    public async Task RestartAsync()
    {
        var directory = Path.Combine(Repository.Root, "tests", "interop", "scim");
        if (!Directory.Exists(Path.Combine(directory, "node_modules", "scimmy")))
            throw new InvalidOperationException($"scimmy is not installed: run `npm ci` in {directory} (.ci/run does).");
        var start = new ProcessStartInfo("node", ["server.js", "--token", Token, "--state", Path.Combine(folder.Path, "state.json"), "--port", Port.ToString()])
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        node = Process.Start(start)!;
        node.ErrorDataReceived += (_, _) => { };
        node.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var line = await node.StandardOutput.ReadLineAsync(timeout.Token) ?? throw new InvalidOperationException("The SCIM provider did not start.");
        Port = JsonDocument.Parse(line).RootElement.GetProperty("port").GetInt32();
    }

    /// <summary>Stops it the hard way: requests now find nothing listening.</summary>
    public async Task StopAsync()
    {
        if (node is null)
            return;
        node.Kill();
        await node.WaitForExitAsync();
        node.Dispose();
        node = null;
    }

    /// <summary>"ok", or a way to misbehave: "500", "400", "garbage" (200 with a body that is not JSON), "slow" (15 s per request).</summary>
    public async Task SetModeAsync(string mode) =>
        (await http.PostAsJsonAsync(Control, new { mode })).EnsureSuccessStatusCode();

    /// <summary>Changes made by the app's own admin, behind Roster's back.</summary>
    public async Task DeleteBehindRostersBackAsync(string id) =>
        (await http.PostAsJsonAsync(Control + "/tamper", new { op = "delete", id })).EnsureSuccessStatusCode();

    public async Task RenameBehindRostersBackAsync(string id, string userName) =>
        (await http.PostAsJsonAsync(Control + "/tamper", new { op = "rename", id, userName })).EnsureSuccessStatusCode();

    /// <summary>"METHOD /path" of every SCIM request received, oldest first.</summary>
    public async Task<List<string>> RequestsAsync() => (await http.GetFromJsonAsync<List<string>>(Control + "/log"))!;

    /// <summary>Creates a user directly, as if the app had it before Roster was connected.</summary>
    public async Task<string> CreateUserAsync(string userName, string? externalId = null)
    {
        using var response = await http.PostAsync(BaseUrl + "/Users", JsonContent.Create(new
        {
            schemas = new[] { "urn:ietf:params:scim:schemas:core:2.0:User" }, userName, externalId, active = true,
        }));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    public Task<List<ProvidedResource>> UsersAsync() => ListAsync("Users");
    public Task<List<ProvidedResource>> GroupsAsync() => ListAsync("Groups");

    public async Task<ProvidedResource?> UserByNameAsync(string userName) => (await UsersAsync()).SingleOrDefault(u => u.UserName == userName);

    public async Task<ProvidedResource?> UserAsync(Guid rosterId) => (await UsersAsync()).SingleOrDefault(u => u.ExternalId == rosterId.ToString());

    private async Task<List<ProvidedResource>> ListAsync(string endpoint)
    {
        var list = await http.GetFromJsonAsync<JsonElement>($"{BaseUrl}/{endpoint}?count=100000");
        return [.. list.GetProperty("Resources").EnumerateArray().Select(r => new ProvidedResource(
            r.GetProperty("id").GetString()!,
            r.TryGetProperty("externalId", out var external) ? external.GetString() : null,
            r.TryGetProperty("userName", out var name) ? name.GetString() : null,
            r.TryGetProperty("displayName", out var display) ? display.GetString() : null,
            r.TryGetProperty("emails", out var emails) && emails.GetArrayLength() > 0 ? emails[0].GetProperty("value").GetString() : null,
            !r.TryGetProperty("active", out var active) || active.GetBoolean(),
            r.TryGetProperty("members", out var members) ? [.. members.EnumerateArray().Select(m => m.GetProperty("value").GetString()!)] : []))];
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        http.Dispose();
        folder.Dispose();
    }
}
