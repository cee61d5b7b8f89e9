namespace Roster.Tests.Infrastructure;

/// <summary>Paths in the checkout the tests run from.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    /// <summary>The built server, run as a real process by the tests that need one (SIGKILL, CLI, first start).</summary>
    public static string RosterDll
    {
        get
        {
            // The test project references the host, so the host's build output sits beside the tests.
            var path = Path.Combine(AppContext.BaseDirectory, "roster.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("roster.dll is not in the test output folder", path);
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Roster.slnx")))
                return dir.FullName;
        throw new InvalidOperationException("The tests must run inside the Roster checkout.");
    }
}

/// <summary>A temporary folder removed when disposed.</summary>
public sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("roster-test-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

public static class FreePort
{
    public static int Next()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
