using System.Net;
using System.Security.Cryptography.X509Certificates;
using Roster.Ldap;

namespace Roster.DirectoryServer;

/// <summary>
/// <c>Roster:Ldap</c>: where the directory listens and what it is called. Without a certificate only plain
/// LDAP is offered; with one, LDAPS on <see cref="ListenTls"/> and StartTLS on <see cref="Listen"/>.
/// </summary>
public sealed class LdapSettings
{
    public const string Section = "Roster:Ldap";

    public bool Enabled { get; set; } = true;

    /// <summary>host:port of plain LDAP. Default 127.0.0.1:3890 in Development, 0.0.0.0:3890 otherwise.</summary>
    public string? Listen { get; set; }

    /// <summary>host:port of LDAPS, used with a certificate; default 0.0.0.0:6360.</summary>
    public string? ListenTls { get; set; }

    public string BaseDn { get; set; } = "dc=example,dc=org";

    /// <summary>A PFX file, or a PEM certificate with <see cref="CertificateKeyPath"/>.</summary>
    public string? CertificatePath { get; set; }

    public string? CertificateKeyPath { get; set; }

    public string? CertificatePassword { get; set; }

    /// <summary>Anonymous binds and searches: off, since the directory holds people's names and addresses.</summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>Most entries one search returns (0 = no limit); paged searches apply it per page.</summary>
    public int SizeLimit { get; set; } = 1000;

    /// <summary>The DN an app's service account binds as.</summary>
    public string ServiceAccountDn(string clientId) => $"cn={clientId},ou=apps,{BaseDn}";

    /// <summary>The address to show to people configuring an app.</summary>
    public string Url => $"ldap://{ListenAddress}";

    private string ListenAddress => Listen ?? "127.0.0.1:3890";

    public LdapServerOptions ToServerOptions(bool development)
    {
        Listen ??= development ? "127.0.0.1:3890" : "0.0.0.0:3890";
        var certificate = LoadCertificate();
        var options = new LdapServerOptions
        {
            BaseDn = BaseDn,
            Listen = [Endpoint(Listen, "Listen")],
            ListenTls = certificate is null ? [] : [Endpoint(ListenTls ?? "0.0.0.0:6360", "ListenTls")],
            Certificate = certificate,
            AllowAnonymous = AllowAnonymous,
            SizeLimit = SizeLimit,
            VendorVersion = typeof(LdapSettings).Assembly.GetName().Version?.ToString(3) ?? "",
        };
        if (options.Validate().FirstOrDefault() is { } problem)
            throw new InvalidOperationException($"Roster:{problem}");
        return options;
    }

    private X509Certificate2? LoadCertificate()
    {
        if (string.IsNullOrWhiteSpace(CertificatePath))
            return null;
        try
        {
            return CertificateKeyPath is { Length: > 0 } key
                ? X509Certificate2.CreateFromPemFile(CertificatePath, key)
                : X509CertificateLoader.LoadPkcs12FromFile(CertificatePath, CertificatePassword);
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or IOException)
        {
            throw new InvalidOperationException($"Roster:Ldap:CertificatePath '{CertificatePath}' could not be loaded ({e.Message}); give a PFX file, or a PEM certificate and Roster:Ldap:CertificateKeyPath.");
        }
    }

    private static IPEndPoint Endpoint(string value, string key) =>
        IPEndPoint.TryParse(value, out var endpoint) && endpoint.Port != 0 || IPEndPoint.TryParse(value, out endpoint) && value.EndsWith(":0")
            ? endpoint
            : throw new InvalidOperationException($"Roster:Ldap:{key} '{value}' is not an address and port; use e.g. 127.0.0.1:3890 or 0.0.0.0:3890.");
}
