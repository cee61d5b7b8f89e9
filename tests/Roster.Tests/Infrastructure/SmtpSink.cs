using System.Diagnostics;
using System.Net.Sockets;

namespace Roster.Tests.Infrastructure;

/// <summary>
/// A real SMTP server in its own process (Debian's python3-aiosmtpd) on a free loopback port, storing what
/// it receives in a Maildir the test reads.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private const string Python = "/usr/bin/python3";
    private readonly TempDirectory folder = new();
    private Process? process;

    public SmtpSink(int? port = null) => Port = port ?? FreePort.Next();

    public int Port { get; }
    public string Maildir => Path.Combine(folder.Path, "maildir");
    public IReadOnlyList<ReceivedMail> Messages => ReceivedMail.ReadFolder(Maildir);

    public Dictionary<string, string?> RosterSettings() => new()
    {
        ["Roster:Smtp:Host"] = "127.0.0.1",
        ["Roster:Smtp:Port"] = Port.ToString(),
        ["Roster:Smtp:StartTls"] = "false",
        ["Roster:Smtp:From"] = "Roster <roster@example.org>",
    };

    public async Task<SmtpSink> StartAsync()
    {
        if (!File.Exists(Python))
            throw new InvalidOperationException("Debian's python3 with python3-aiosmtpd is needed for the SMTP tests; .ci/run installs it.");
        process = Process.Start(new ProcessStartInfo(Python, ["-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{Port}", "-c", "aiosmtpd.handlers.Mailbox", Maildir])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await Eventually.GetAsync(async () =>
        {
            if (process.HasExited)
                throw new InvalidOperationException($"aiosmtpd exited with {process.ExitCode}");
            using var client = new TcpClient();
            try { await client.ConnectAsync("127.0.0.1", Port); return ""; }
            catch (SocketException) { return null; }
        }, $"the SMTP server on port {Port}");
        return this;
    }

    public ValueTask DisposeAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill();
            process.WaitForExit();
        }
        process?.Dispose();
        folder.Dispose();
        return ValueTask.CompletedTask;
    }
}
