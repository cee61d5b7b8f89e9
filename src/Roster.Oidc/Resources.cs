namespace Roster.Oidc;

/// <summary>
/// An API that accepts Roster's access tokens, as one client sees it: its identifier (the <c>aud</c> of tokens meant
/// for it, RFC 9068 section 3), how long those tokens live, and which of its scopes this client may request.
/// </summary>
public sealed record ResourceServer(string Identifier, TimeSpan AccessTokenLifetime, IReadOnlyList<string> AllowedScopes);

/// <summary>The APIs registered in Roster.</summary>
public interface IResourceStore
{
    /// <summary>The API whose identifier is exactly <paramref name="identifier"/>, as <paramref name="clientId"/> may use it; null when there is none.</summary>
    Task<ResourceServer?> FindAsync(string identifier, string clientId, CancellationToken cancellationToken);
}

/// <summary>What a request may have for one API: the API (null for none) and its scopes granted, in the API's order; or why not.</summary>
public sealed record ResourceRequest(ResourceServer? Server, IReadOnlyList<string> Scopes, OidcError? Error = null)
{
    public static readonly ResourceRequest None = new(null, []);

    public static ResourceRequest Refused(OidcError error) => new(null, [], error);
}

/// <summary>
/// Resource indicators (RFC 8707). A client names at most one API per request (section 2: Roster issues one
/// audience per token, as section 2.2 allows); an API Roster does not know is <c>invalid_target</c>; a scope the
/// client may not request for it is <c>invalid_scope</c> (RFC 6749 section 5.2), never silently dropped: the API
/// trusts the token's scope, so everything in it must be what its administrator allowed this client.
/// </summary>
public static class Resources
{
    public const string Parameter = "resource";

    /// <summary>
    /// The API named by <paramref name="resource"/> and the requested <paramref name="apiScopes"/> (scopes that are not
    /// OpenID Connect's); with <paramref name="allWhenNone"/>, no scope asked for means every scope the client may have.
    /// Without a resource, nothing: scopes Roster does not know stay ignored as before (OpenID Connect Core 3.1.2.1).
    /// </summary>
    public static async Task<ResourceRequest> ResolveAsync(
        IResourceStore store, OidcClient client, string? resource, IReadOnlyList<string> apiScopes, bool allWhenNone, CancellationToken cancellationToken)
    {
        if (resource is null)
            return ResourceRequest.None;
        // Section 2: an absolute URI without a fragment. Anything else, or longer than Roster keeps, names no API.
        if (resource.Length > 2000 || !Uri.TryCreate(resource, UriKind.Absolute, out var uri) || uri.Fragment.Length > 0 || resource.Contains('#') ||
            await store.FindAsync(resource, client.ClientId, cancellationToken) is not { } server)
            return ResourceRequest.Refused(InvalidTarget("The resource parameter names no API registered in Roster."));
        if (apiScopes.Count == 0)
            return new(server, allWhenNone ? server.AllowedScopes : []);
        if (apiScopes.FirstOrDefault(s => !server.AllowedScopes.Contains(s, StringComparer.Ordinal)) is { } refused)
            return ResourceRequest.Refused(OidcError.InvalidScope(Scopes.IsApiScope(refused)
                ? $"This client may not request the scope \"{refused}\" for this API; the API's administrator can allow it."
                : "The scope parameter holds a malformed scope or one longer than any this client may request."));
        return new(server, server.AllowedScopes.Where(apiScopes.Contains).ToList());
    }

    /// <summary>The requested scopes that are not OpenID Connect's: those an API defines.</summary>
    public static IReadOnlyList<string> ApiScopesOf(string? scope) =>
        Scopes.Parse(scope).Where(s => !Scopes.Supported.Contains(s)).ToList();

    /// <summary>RFC 8707 section 2: the resource is unknown, malformed, or not one the client may use.</summary>
    public static OidcError InvalidTarget(string description) => new("invalid_target", description);

    /// <summary>
    /// RFC 7662 section 2.1 with section 4's advice: an API may introspect only tokens meant for it; an app only its own
    /// tokens. Whatever else is presented is inactive, so an API cannot probe other APIs' tokens.
    /// </summary>
    public static bool MayIntrospect(OidcClient caller, Microsoft.IdentityModel.JsonWebTokens.JsonWebToken access) =>
        caller.ResourceIdentifier is { } identifier
            ? access.Audiences.Contains(identifier, StringComparer.Ordinal)
            : access.GetPayloadValue<string>("client_id") == caller.ClientId;
}
