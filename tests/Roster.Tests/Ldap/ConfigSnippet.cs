using System.Text.RegularExpressions;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Ldap;

/// <summary>
/// A configuration snippet from docs/ldap, the very text README's LDAP section shows, with its placeholders
/// (<c>&lt;roster host&gt;</c>, <c>&lt;client id&gt;</c>, …) filled in for a test. A placeholder the file no longer has,
/// or one left unfilled, fails the test, so the tested configuration and the documented one cannot drift apart.
/// </summary>
public static partial class ConfigSnippet
{
    public static string Path(string name) => System.IO.Path.Combine(Repository.Root, "docs", "ldap", name);

    public static string Read(string name, IReadOnlyDictionary<string, string> values)
    {
        var text = File.ReadAllText(Path(name));
        foreach (var (placeholder, value) in values)
        {
            Assert.True(text.Contains(placeholder, StringComparison.Ordinal), $"docs/ldap/{name} no longer contains {placeholder}.");
            text = text.Replace(placeholder, value, StringComparison.Ordinal);
        }
        Assert.False(Placeholder().IsMatch(text), $"docs/ldap/{name} has a placeholder the test does not fill: {Placeholder().Match(text).Value}");
        return text;
    }

    /// <summary>Asserts that README.md shows the file exactly, so what readers copy is what the tests ran.</summary>
    public static void AssertReadmeShows(string name)
    {
        var readme = File.ReadAllText(System.IO.Path.Combine(Repository.Root, "README.md"));
        Assert.True(readme.Contains(File.ReadAllText(Path(name)).TrimEnd(), StringComparison.Ordinal), $"README.md does not show docs/ldap/{name} as it is.");
    }

    [GeneratedRegex("<[a-z][a-z ]*>")]
    private static partial Regex Placeholder();
}
