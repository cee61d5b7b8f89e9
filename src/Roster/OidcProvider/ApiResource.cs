namespace Roster.OidcProvider;

/// <summary>
/// An API that accepts Roster's access tokens (RFC 8707 resource, RFC 9068 <c>aud</c>): apps name its
/// <see cref="Identifier"/> as <c>resource</c> and get tokens meant for it, with its scopes and lifetime.
/// </summary>
public sealed class ApiResource
{
    public Guid Id { get; set; }
    public string Name { get; set; } = "";

    /// <summary>The absolute URI apps send as <c>resource</c> and the tokens carry as <c>aud</c>; fixed at registration.</summary>
    public string Identifier { get; set; } = "";

    /// <summary>The scopes the API understands, space-separated, each an RFC 6749 scope-token.</summary>
    public string Scopes { get; set; } = "";

    public int AccessTokenLifetimeSeconds { get; set; }

    /// <summary>The id the API introspects with (client_secret_basic); random, fixed at registration.</summary>
    public string ClientId { get; set; } = "";

    /// <summary>SHA-256 of the API's introspection secret (shown once); null until one is made.</summary>
    public string? SecretHash { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>Which of an API's scopes one app may request for it; an app with no row may request none.</summary>
public sealed class ApiResourceAccess
{
    public Guid ApiId { get; set; }
    public Guid AppId { get; set; }

    /// <summary>Space-separated, a subset of the API's scopes, in the API's order.</summary>
    public string Scopes { get; set; } = "";
}
