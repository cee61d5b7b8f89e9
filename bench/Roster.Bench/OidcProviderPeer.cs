using System.Diagnostics;
using System.Text.Json;

namespace Roster.Bench;

/// <summary>
/// npm's oidc-provider (OpenID Certified) as a peer, started from bench/peers/oidc-provider/server.mjs with
/// Node on the server's CPU: one confidential client like the bench app, RS256 JWT access tokens, refresh
/// tokens rotated on every use, and refresh-token chains made ahead. Its ready line on stdout says where
/// its token endpoint is, the client's credentials and the chains' first tokens.
/// </summary>
public sealed class OidcProviderPeer : IAsyncDisposable
{
    private readonly Process process;

    private OidcProviderPeer(Process process, Ready ready, string version)
    {
        this.process = process;
        Endpoint = new Uri(ready.TokenEndpoint);
        ClientId = ready.ClientId;
        ClientSecret = ready.ClientSecret;
        RefreshTokens = ready.RefreshTokens;
        Version = version;
    }

    public Uri Endpoint { get; }
    public string ClientId { get; }
    public string ClientSecret { get; }
    public string[] RefreshTokens { get; }
    public string Version { get; }
    public int ProcessId => process.Id;
    public long ResidentBytes => Common.ResidentBytes(process.Id);

    private sealed record Ready(string TokenEndpoint, string ClientId, string ClientSecret, string[] RefreshTokens);

    public static async Task<OidcProviderPeer> StartAsync(string script, int chains, string? cpus, string work, CancellationToken cancellationToken)
    {
        var port = ServerProcess.FreePort();
        var start = new ProcessStartInfo
        {
            WorkingDirectory = Path.GetDirectoryName(script)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var command = new List<string>();
        if (cpus is not null)
            command.AddRange(["taskset", "-c", cpus]);
        command.AddRange(["node", script, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--chains", chains.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        start.FileName = command[0];
        foreach (var argument in command.Skip(1))
            start.ArgumentList.Add(argument);

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node.");
        await File.WriteAllTextAsync(Path.Combine(work, "peer.pid"), process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken);
        var log = Path.Combine(work, "server-oidc-provider.log");
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
                lock (process)
                    File.AppendAllText(log, e.Data + "\n");
        };
        process.BeginErrorReadLine();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(1));
        var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
        if (line is null)
        {
            await process.WaitForExitAsync(cancellationToken);
            throw new InvalidOperationException($"oidc-provider exited with {process.ExitCode} before it was ready; see {log}.");
        }
        var ready = JsonSerializer.Deserialize<Ready>(line, new JsonSerializerOptions(JsonSerializerDefaults.Web))
            ?? throw new InvalidOperationException($"oidc-provider's ready line is not what server.mjs prints: {line}");
        return new OidcProviderPeer(process, ready, await VersionAsync(script, cancellationToken));
    }

    /// <summary>"oidc-provider 9.13.3 on Node v20.20.2", from the installed package.json.</summary>
    private static async Task<string> VersionAsync(string script, CancellationToken cancellationToken)
    {
        var package = Path.Combine(Path.GetDirectoryName(script)!, "node_modules", "oidc-provider", "package.json");
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(package, cancellationToken));
        var node = Process.Start(new ProcessStartInfo("node", "--version") { RedirectStandardOutput = true })!;
        var nodeVersion = (await node.StandardOutput.ReadToEndAsync(cancellationToken)).Trim();
        await node.WaitForExitAsync(cancellationToken);
        return $"oidc-provider {json.RootElement.GetProperty("version").GetString()} on Node {nodeVersion}";
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
        process.Dispose();
    }
}
