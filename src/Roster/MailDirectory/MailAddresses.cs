using System.Globalization;

namespace Roster.MailDirectory;

/// <summary>
/// What an address and a domain may look like. RFC 5321 section 4.5.3.1 limits a local part to 64 octets and a
/// path to 256 (so an address to 254); local parts are RFC 5322 dot-atoms (the quoted-string form is refused: many
/// mail programs mishandle it); domains are DNS names of letters, digits and hyphens, internationalized ones in their
/// ASCII form (RFC 5890). Comparisons ignore case, as people expect and as the directory's uniqueness does.
/// </summary>
public static class MailAddresses
{
    public const int MaxLocalPartLength = 64;
    public const int MaxDomainLength = 253;
    public const int MaxAddressLength = 254;

    private const string AtextSymbols = "!#$%&'*+/=?^_`{|}~-";
    private static readonly IdnMapping Idn = new() { UseStd3AsciiRules = true };

    /// <summary>The ASCII, lower-case form of a domain name, or an error that says what is wrong with it.</summary>
    public static (string? Domain, Error? Error) ParseDomain(string? text, string field = "Domain")
    {
        var name = (text ?? "").Trim().TrimEnd('.').ToLowerInvariant();
        if (name.Length == 0)
            return (null, new("mail.domain_required", "Enter a domain name, such as example.org.", field));
        string ascii;
        try
        {
            ascii = Idn.GetAscii(name);
        }
        catch (ArgumentException)
        {
            return (null, new("mail.domain_invalid", $"\"{name}\" is not a domain name: use letters, digits and hyphens between dots, such as mail.example.org.", field));
        }
        var labels = ascii.Split('.');
        if (ascii.Length > MaxDomainLength || labels.Length < 2 || labels.Any(l => l.Length is 0 or > 63 || l.StartsWith('-') || l.EndsWith('-')
            || !l.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')) || labels[^1].All(char.IsAsciiDigit))
            return (null, new("mail.domain_invalid", $"\"{name}\" is not a domain name: use letters, digits and hyphens between dots, such as mail.example.org.", field));
        return (ascii.ToLowerInvariant(), null);
    }

    /// <summary>Why a local part is refused, or null when it is a valid RFC 5322 dot-atom of at most 64 octets.</summary>
    public static Error? CheckLocalPart(string localPart, string field)
    {
        if (localPart.Length == 0)
            return new("mail.local_part_required", "Enter the part of the address before the @.", field);
        if (System.Text.Encoding.UTF8.GetByteCount(localPart) > MaxLocalPartLength)
            return new("mail.local_part_too_long", $"The part before the @ can have at most {MaxLocalPartLength} characters (RFC 5321).", field);
        if (!localPart.All(c => char.IsAsciiLetterOrDigit(c) || c == '.' || AtextSymbols.Contains(c))
            || localPart.StartsWith('.') || localPart.EndsWith('.') || localPart.Contains(".."))
            return new("mail.local_part_invalid",
                $"\"{localPart}\" cannot be the part before the @: use letters, digits, dots (not first, last or two in a row) and {AtextSymbols}.", field);
        return null;
    }

    /// <summary>
    /// Splits and checks a whole address: a valid local part, an @, a valid domain. The domain comes back in its
    /// ASCII lower-case form; the local part as typed.
    /// </summary>
    public static (string LocalPart, string Domain, Error? Error) Parse(string? text, string field)
    {
        var address = (text ?? "").Trim();
        var at = address.LastIndexOf('@');
        if (address.Length == 0)
            return ("", "", new("mail.address_required", "Enter an address, such as alice@example.org.", field));
        if (at <= 0 || at == address.Length - 1)
            return ("", "", new("mail.address_invalid", $"\"{address}\" is not an email address: it needs a name, an @ and a domain, such as alice@example.org.", field));
        var localPart = address[..at];
        if (CheckLocalPart(localPart, field) is { } localError)
            return ("", "", localError);
        var (domain, domainError) = ParseDomain(address[(at + 1)..], field);
        if (domainError is not null)
            return ("", "", domainError with { Code = "mail.address_invalid", Message = $"\"{address}\" is not an email address: {domainError.Message}" });
        if (localPart.Length + 1 + domain!.Length > MaxAddressLength)
            return ("", "", new("mail.address_too_long", $"An address can have at most {MaxAddressLength} characters (RFC 5321).", field));
        return (localPart, domain, null);
    }

    public static string Normalize(string address) => address.Trim().ToLowerInvariant();
}
