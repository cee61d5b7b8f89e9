namespace Roster.OidcProvider;

/// <summary>A row of the signing key ring; the private key is protected with the data-protection key ring.</summary>
public sealed class OidcSigningKey
{
    public string KeyId { get; set; } = "";
    public string Algorithm { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public string ProtectedPrivateKey { get; set; } = "";
}
