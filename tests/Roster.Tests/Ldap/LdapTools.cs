using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Roster.Tests.Infrastructure;
using Roster.DirectoryServer;

namespace Roster.Tests.Ldap;

/// <summary>One entry of ldapsearch's LDIF: its DN and attributes (names as the server sent them).</summary>
public sealed record LdifEntry(string Dn, Dictionary<string, List<string>> Attributes)
{
    public IReadOnlyList<string> Values(string name) =>
        Attributes.FirstOrDefault(a => string.Equals(a.Key, name, StringComparison.OrdinalIgnoreCase)).Value ?? [];
}

/// <summary>Debian's ldap-utils (ldapsearch, ldapwhoami, ldapcompare) against a running Roster.</summary>
public static class LdapTools
{
    public const string BaseDn = "dc=example,dc=org";

    public static string UserDn(string username) => $"uid={username},ou=people,{BaseDn}";

    public static string Url(RosterServer server) =>
        $"ldap://{server.App.Services.GetRequiredService<LdapHost>().Server!.Endpoints[0]}";

    public static async Task<(int ExitCode, string Output, string Errors)> RunAsync(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start: install ldap-utils (.ci/run does).");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await errors);
    }

    /// <summary>ldapsearch -x bound as <paramref name="bindDn"/>; the entries it printed and its exit code (0, or e.g. 4 for sizeLimitExceeded).</summary>
    public static async Task<(int ExitCode, List<LdifEntry> Entries)> SearchAsync(
        RosterServer server, string bindDn, string password, string baseDn, string scope, string filter, string[]? attributes = null, params string[] extra)
    {
        string[] args = ["-x", "-LLL", "-o", "ldif-wrap=no", "-H", Url(server), "-D", bindDn, "-w", password, "-b", baseDn, "-s", scope, .. extra, filter, .. attributes ?? []];
        var (exit, output, errors) = await RunAsync("ldapsearch", args);
        Assert.True(exit is 0 or 4, $"ldapsearch {string.Join(' ', args)} failed ({exit}): {errors}");
        return (exit, Parse(output));
    }

    private static List<LdifEntry> Parse(string ldif)
    {
        var entries = new List<LdifEntry>();
        foreach (var block in ldif.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            string? dn = null;
            var attributes = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
            foreach (var line in block.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                if (line.StartsWith('#'))
                    continue;
                var colon = line.IndexOf(':');
                if (colon < 0)
                    continue;
                var name = line[..colon];
                var value = line[(colon + 1)..];
                value = value.StartsWith(':') ? System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(value[1..].Trim())) : value.TrimStart();
                if (name == "dn")
                    dn = value;
                else
                    (attributes.TryGetValue(name, out var values) ? values : attributes[name] = []).Add(value);
            }
            if (dn is not null)
                entries.Add(new LdifEntry(dn, attributes));
        }
        return entries;
    }
}
