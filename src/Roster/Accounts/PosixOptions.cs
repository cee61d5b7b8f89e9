namespace Roster.Accounts;

/// <summary>
/// <c>Roster:Posix</c>: how people and groups look to Linux hosts that read the directory (RFC 2307 posixAccount
/// and posixGroup). Numbers come from one range shared by people and groups (<see cref="IPosixNumbered"/>).
/// </summary>
public sealed class PosixOptions
{
    public const string Section = "Roster:Posix";
    public const string UsernamePlaceholder = "{username}";

    /// <summary>The first number given. Raising it later moves the sequence forward; lowering it never reuses a number.</summary>
    public int FirstId { get; set; } = 10000;

    /// <summary>The last number given; a person or group beyond it cannot be created.</summary>
    public int LastId { get; set; } = int.MaxValue;

    /// <summary>homeDirectory, with <c>{username}</c> replaced.</summary>
    public string HomeDirectory { get; set; } = "/home/" + UsernamePlaceholder;

    public string LoginShell { get; set; } = "/bin/bash";

    /// <summary>The first setting that cannot work, as one line that names it and says how to fix it; null when all can.</summary>
    public string? Problem()
    {
        const string prefix = "Roster__Posix__";
        if (FirstId < 1000)
            return $"{prefix}FirstId: {FirstId} is below 1000, where Linux keeps its system accounts; choose 1000 or more (the default is 10000).";
        if (LastId < FirstId)
            return $"{prefix}LastId: {LastId} is below {prefix}FirstId ({FirstId}); the range must hold at least one number.";
        if (PathProblem(HomeDirectory) is { } home)
            return $"{prefix}HomeDirectory: '{HomeDirectory}' {home}, e.g. /home/{UsernamePlaceholder}.";
        if (!HomeDirectory.Contains(UsernamePlaceholder, StringComparison.Ordinal))
            return $"{prefix}HomeDirectory: '{HomeDirectory}' has no {UsernamePlaceholder}, so everyone would share one home; use e.g. /home/{UsernamePlaceholder}.";
        if (HomeDirectory.Replace(UsernamePlaceholder, "", StringComparison.Ordinal).IndexOfAny(['{', '}']) >= 0)
            return $"{prefix}HomeDirectory: '{HomeDirectory}' has a placeholder other than {UsernamePlaceholder}, the only one there is.";
        if (PathProblem(LoginShell) is { } shell)
            return $"{prefix}LoginShell: '{LoginShell}' {shell}, e.g. /bin/bash.";
        return null;
    }

    /// <summary>A passwd field: an absolute path with no colon (the field separator) and nothing unprintable.</summary>
    private static string? PathProblem(string value) =>
        value.Length is 0 or > 200 || !value.StartsWith('/') ? "is not an absolute path of at most 200 characters"
        : value.Any(c => c is ':' or '\\' || char.IsWhiteSpace(c) || char.IsControl(c) || c > '~') ? "may hold only printable ASCII without spaces, colons or backslashes; give an absolute path"
        : null;
}
