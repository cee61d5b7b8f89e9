namespace Roster.Kernel;

/// <summary>How the roster command stops on a problem, whether a subcommand or the server's start-up: one line that says what to fix, exit code 1.</summary>
public static class Exit
{
    public const int Failure = 1;

    public static int Fail(string reason)
    {
        Console.Error.WriteLine($"roster: {reason.ReplaceLineEndings(" ")}");
        return Failure;
    }
}
