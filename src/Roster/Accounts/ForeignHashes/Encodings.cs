namespace Roster.Accounts.ForeignHashes;

/// <summary>The base64 dialects hash formats use, decoded without throwing.</summary>
internal static class Encodings
{
    /// <summary>Standard base64, padding optional (argon2's PHC strings and Django leave it out or keep it).</summary>
    public static byte[]? Base64(string text)
    {
        if (text.Length == 0 || text.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '=')))
            return null;
        var padded = text.TrimEnd('=');
        padded += new string('=', (4 - padded.Length % 4) % 4);
        try
        {
            return Convert.FromBase64String(padded);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>passlib's "adapted base64": '.' stands for '+', no padding (also what OpenLDAP's pw-pbkdf2 writes).</summary>
    public static byte[]? AdaptedBase64(string text) =>
        text.Contains('+', StringComparison.Ordinal) ? null : Base64(text.Replace('.', '+'));

    public static string ToAdaptedBase64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '.');

    public static bool IsDecimal(string text, int max, out int value)
    {
        value = 0;
        return text.Length is > 0 and <= 10 && text.All(char.IsAsciiDigit) && int.TryParse(text, out value) && value >= 1 && value <= max;
    }
}
