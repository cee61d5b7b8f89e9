using Roster.Oidc;

namespace Roster.OidcProvider;

/// <summary>What each scope gives an app, in the words the device and consent pages show the person.</summary>
public static class ScopeDescriptions
{
    public static string Describe(string scope, string? apiName = null) => scope switch
    {
        Scopes.OpenId => "Sign you in as yourself",
        Scopes.Profile => "Your name, username and picture",
        Scopes.Email => "Your email address",
        Scopes.Groups => "The names of your groups",
        Scopes.Mailbox => "Your mailbox address",
        Scopes.OfflineAccess => "Stay signed in while you are away, until you revoke it on your account page",
        var other => apiName is null ? $"Use “{other}” on an API as you" : $"Use “{other}” on {apiName} as you",
    };
}
