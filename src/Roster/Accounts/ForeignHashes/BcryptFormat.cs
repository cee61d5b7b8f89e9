using System.Text.RegularExpressions;

namespace Roster.Accounts.ForeignHashes;

/// <summary>bcrypt's modular crypt format, <c>$2a$</c>, <c>$2b$</c> and <c>$2y$</c> (PHP's name for the same fixed algorithm).</summary>
internal sealed partial class BcryptFormat : IForeignHashFormat
{
    public string Name => "bcrypt";

    public bool Claims(string hash) => hash.StartsWith("$2", StringComparison.Ordinal);

    public string? Problem(string hash)
    {
        var match = Shape().Match(hash);
        if (!match.Success)
            return "expected $2a$, $2b$ or $2y$, a two-digit cost, and 53 characters of salt and hash.";
        var cost = int.Parse(match.Groups["cost"].Value, System.Globalization.CultureInfo.InvariantCulture);
        return cost is < 4 or > HashLimits.MaxBcryptCost ? $"the cost {cost} is outside 4 to {HashLimits.MaxBcryptCost}." : null;
    }

    /// <summary>BCrypt.Net compares the digests in constant time itself.</summary>
    public bool Verify(string hash, string password) =>
        Problem(hash) is null && BCrypt.Net.BCrypt.Verify(password, hash);

    [GeneratedRegex(@"^\$2[aby]\$(?<cost>[0-9]{2})\$[./A-Za-z0-9]{53}$")]
    private static partial Regex Shape();
}
