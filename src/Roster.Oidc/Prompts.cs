namespace Roster.Oidc;

/// <summary>
/// The <c>prompt</c> values of OpenID Connect Core section 3.1.2.1 that Roster acts on; discovery advertises
/// exactly these (<see cref="Supported"/>). Others (consent) are ignored, as section 3.1.2.1 lets an OP do with
/// values it does not support.
/// </summary>
public static class Prompts
{
    public const string None = "none";
    public const string Login = "login";
    public const string SelectAccount = "select_account";

    public static readonly string[] Supported = [None, Login, SelectAccount];

    /// <summary>
    /// Section 3.1.2.1: none with any other value is an error. With select_account it is the error the spec names for
    /// that case, account_selection_required (section 3.1.2.6), so the app knows to ask again with a page; otherwise
    /// invalid_request.
    /// </summary>
    public static OidcError? Conflict(IReadOnlyCollection<string> prompts)
    {
        if (!prompts.Contains(None) || prompts.Count == 1)
            return null;
        return prompts.Count == 2 && prompts.Contains(SelectAccount)
            ? new("account_selection_required", "prompt=none cannot show the page where the person chooses an account (prompt=select_account).")
            : OidcError.InvalidRequest("prompt=none cannot be combined with other prompts.");
    }

    /// <summary>The request's parameters with <paramref name="value"/> taken out of <c>prompt</c> (and prompt dropped when nothing is left).</summary>
    public static IEnumerable<KeyValuePair<string, string?>> Without(Parameters parameters, string value) =>
        parameters.All.Select(p => p.Key != "prompt" ? KeyValuePair.Create(p.Key, (string?)p.Value)
                : KeyValuePair.Create(p.Key, string.Join(' ', Scopes.Parse(p.Value).Where(v => v != value)) is { Length: > 0 } rest ? rest : null))
            .Where(p => p.Value is not null);
}
