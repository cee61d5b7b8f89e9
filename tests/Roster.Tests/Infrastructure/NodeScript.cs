using System.Diagnostics;
using System.Text.Json;

namespace Roster.Tests.Infrastructure;

/// <summary>
/// Runs a script of tests/interop/&lt;folder&gt; with Node: <paramref name="input"/> goes as a JSON file, named
/// where <see cref="InputFile"/> stands in the arguments, and the script's JSON output comes back. The client
/// libraries there are ones we did not write (installed by `npm ci`).
/// </summary>
public static class NodeScript
{
    public const string InputFile = "{input}";

    public static async Task<JsonElement> RunAsync(string folder, string package, object input, params string[] args)
    {
        var directory = Path.Combine(Repository.Root, "tests", "interop", folder);
        if (!Directory.Exists(Path.Combine(directory, "node_modules", package)))
            throw new InvalidOperationException($"{package} is not installed: run `npm ci` in {directory} (.ci/run does).");
        var inputFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(inputFile, JsonSerializer.Serialize(input));
        var start = new ProcessStartInfo("node", args.Select(a => a == InputFile ? inputFile : a))
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var node = Process.Start(start)!;
        var output = node.StandardOutput.ReadToEndAsync();
        var errors = node.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await node.WaitForExitAsync(timeout.Token);
        File.Delete(inputFile);
        Assert.True(node.ExitCode == 0, $"node {string.Join(' ', args)} failed: {await errors}");
        return JsonDocument.Parse(await output).RootElement.Clone();
    }
}
