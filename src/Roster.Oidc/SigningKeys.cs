using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Roster.Oidc;

/// <summary>The JWS algorithms (RFC 7518 section 3.1) Roster signs tokens with: RS256 by default, ES256 per app.</summary>
public static class SigningAlgorithms
{
    public const string RS256 = SecurityAlgorithms.RsaSha256;
    public const string ES256 = SecurityAlgorithms.EcdsaSha256;
    public static readonly string[] All = [RS256, ES256];
}

/// <summary>A signing key as the store keeps it: the private key as PKCS#8, which the store protects at rest.</summary>
public sealed record StoredSigningKey(string KeyId, string Algorithm, DateTimeOffset CreatedAt, byte[] PrivateKey)
{
    public static StoredSigningKey Create(string algorithm, DateTimeOffset now)
    {
        var keyId = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(12));
        byte[] privateKey;
        if (algorithm == SigningAlgorithms.RS256)
        {
            using var rsa = RSA.Create(2048);
            privateKey = rsa.ExportPkcs8PrivateKey();
        }
        else if (algorithm == SigningAlgorithms.ES256)
        {
            using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            privateKey = ecdsa.ExportPkcs8PrivateKey();
        }
        else
            throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Roster signs with RS256 or ES256.");
        return new StoredSigningKey(keyId, algorithm, now, privateKey);
    }

    /// <summary>The key for signing, named by its key id so verifiers pick the right public key.</summary>
    public SecurityKey ToSecurityKey()
    {
        if (Algorithm == SigningAlgorithms.RS256)
        {
            var rsa = RSA.Create();
            rsa.ImportPkcs8PrivateKey(PrivateKey, out _);
            return new RsaSecurityKey(rsa) { KeyId = KeyId };
        }
        var ecdsa = ECDsa.Create();
        ecdsa.ImportPkcs8PrivateKey(PrivateKey, out _);
        return new ECDsaSecurityKey(ecdsa) { KeyId = KeyId };
    }

    /// <summary>The public half as a JWK (RFC 7517), for the JWKS document.</summary>
    public JsonWebKey ToPublicJwk()
    {
        JsonWebKey jwk;
        if (Algorithm == SigningAlgorithms.RS256)
        {
            using var rsa = RSA.Create();
            rsa.ImportPkcs8PrivateKey(PrivateKey, out _);
            jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(rsa.ExportParameters(includePrivateParameters: false)));
        }
        else
        {
            using var ecdsa = ECDsa.Create();
            ecdsa.ImportPkcs8PrivateKey(PrivateKey, out _);
            jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(ECDsa.Create(ecdsa.ExportParameters(includePrivateParameters: false))));
        }
        jwk.Kid = KeyId;
        jwk.Alg = Algorithm;
        jwk.Use = JsonWebKeyUseNames.Sig;
        return jwk;
    }
}

/// <summary>Where the host keeps signing keys (the database, private keys protected). Shared by every instance.</summary>
public interface ISigningKeyStore
{
    Task<IReadOnlyList<StoredSigningKey>> LoadAsync(CancellationToken cancellationToken);
    Task AddAsync(StoredSigningKey key, CancellationToken cancellationToken);
    Task RemoveAsync(string keyId, CancellationToken cancellationToken);
}

public sealed class SigningKeyOptions
{
    public const string Section = "Roster:Oidc:SigningKeys";

    /// <summary>How long a key signs before a new one takes over.</summary>
    public TimeSpan RotateAfter { get; set; } = TimeSpan.FromDays(90);

    /// <summary>
    /// How long a replaced key stays published, so tokens it signed still validate. It must outlast the
    /// longest-lived signed token (ID and access tokens live minutes), with room for clients' JWKS caches.
    /// </summary>
    public TimeSpan RetireAfter { get; set; } = TimeSpan.FromDays(2);
}
