using System.Text;
using Microsoft.Extensions.Options;
using Roster.Accounts;
using Roster.Ldap;

namespace Roster.DirectoryServer;

/// <summary>
/// What Linux hosts read of a person and a group (Roster:Posix). A person's gidNumber is their uidNumber: a private
/// group, as FreeIPA and Kanidm give every account, whose number no group can have (<see cref="IPosixNumbered"/>);
/// it is not published as a group entry of its own, so hosts show it as a number.
/// </summary>
public sealed class PosixAttributes(IOptions<PosixOptions> options)
{
    /// <summary>The posixAccount of a person, or null for one without a number or whose username a host could misread.</summary>
    public PosixAccount? Account(string username, string name, int uidNumber, IReadOnlyList<string> sshPublicKeys) =>
        uidNumber > 0 && IsPosixName(username)
            ? new PosixAccount(uidNumber, uidNumber, options.Value.HomeDirectory.Replace(PosixOptions.UsernamePlaceholder, username, StringComparison.Ordinal),
                options.Value.LoginShell, Gecos(name, username), sshPublicKeys)
            : null;

    /// <summary>The gidNumber of a group, or null for one without a number or whose name a host could misread.</summary>
    public long? GroupNumber(string name, int gidNumber) => gidNumber > 0 && IsPosixName(name) ? gidNumber : null;

    /// <summary>
    /// Usernames and group names allow letters, digits, dots and hyphens; of those, "." and ".." would make a home
    /// directory of the parent, a leading hyphen reads as an option to every command, and digits alone read as a
    /// number (getent passwd 1234). Such names stay LDAP people and groups, without POSIX attributes.
    /// </summary>
    public static bool IsPosixName(string name) =>
        name.Length > 0 && name is not ("." or "..") && !name.StartsWith('-') && !name.All(char.IsAsciiDigit);

    /// <summary>
    /// The name for the gecos field, which is IA5 (ASCII) and a field of /etc/passwd: Latin letters without their
    /// accents (Zoë Çelik → Zoe Celik), full-width forms as ASCII, other characters left out, and ':' (the field
    /// separator) and ',' (gecos's own) made spaces; the username when nothing is left. By table, since Roster runs
    /// with invariant globalization, where string normalization does not decompose letters.
    /// </summary>
    public static string Gecos(string name, string username)
    {
        var text = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            var ascii = c switch
            {
                >= ' ' and <= '~' => c.ToString(),
                >= '\uFF01' and <= '\uFF5E' => ((char)(c - 0xFEE0)).ToString(),
                >= '\u00C0' and <= '\u017F' => Latin[c - 0xC0] is '\0' ? Ligature(c) : Latin[c - 0xC0].ToString(),
                _ when char.IsWhiteSpace(c) => " ",
                _ => "",
            };
            foreach (var a in ascii)
                text.Append(a is ':' or ',' || char.IsWhiteSpace(a) ? ' ' : a);
        }
        var gecos = string.Join(' ', text.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries));
        return gecos.Length > 0 ? gecos : username;
    }

    /// <summary>U+00C0–U+017F (Latin-1 Supplement and Latin Extended-A) without accents; \0 where two letters stand for one.</summary>
    private const string Latin =
        "AAAAAA\0CEEEEIIIIDNOOOOO OUUUUY\0\0aaaaaa\0ceeeeiiiidnooooo ouuuuy\0y" +
        "AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIi\0\0JjKkkLlLlLlLlLlNnNnNnnNnOoOoOo\0\0RrRrRrSsSsSsSsTtTtTtUuUuUuUuUuUuWwYyYZzZzZzs";

    private static string Ligature(char c) => c switch
    {
        'Æ' => "AE",
        'æ' => "ae",
        'Œ' => "OE",
        'œ' => "oe",
        'ß' => "ss",
        'Þ' => "Th",
        'þ' => "th",
        'Ĳ' => "IJ",
        _ => "ij",
    };
}
