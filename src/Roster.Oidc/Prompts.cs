namespace Roster.Oidc;

/// <summary>
/// The <c>prompt</c> values of OpenID Connect Core section 3.1.2.1 that Roster acts on; discovery advertises
/// exactly these (<see cref="Supported"/>).
/// </summary>
public static class Prompts
{
    public const string None = "none";
    public const string Login = "login";
    public const string SelectAccount = "select_account";
    public const string Consent = "consent";

    public static readonly string[] Supported = [None, Login, SelectAccount, Consent];

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

    /// <summary>
    /// The request to continue once the person has signed in. It drops login, select_account, max_age and the hint: the
    /// person has just signed in as whom they chose, and keeping them would ask again forever (max_age=0, or someone
    /// other than the hint's person). It keeps consent, which signing in does not answer.
    /// </summary>
    public static IEnumerable<KeyValuePair<string, string?>> AfterSignIn(Parameters parameters) =>
        parameters.All.Where(p => p.Key is not ("max_age" or "id_token_hint"))
            .Select(p => p.Key != "prompt" ? KeyValuePair.Create(p.Key, (string?)p.Value)
                : KeyValuePair.Create(p.Key, Scopes.Parse(p.Value).Contains(Consent) ? (string?)Consent : null))
            .Where(p => p.Value is not null);
}
