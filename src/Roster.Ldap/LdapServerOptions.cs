using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace Roster.Ldap;

public sealed class LdapServerOptions
{
    // The suffix of the tree, as in OpenLDAP's olcSuffix.
    public string BaseDn { get; set; } = "dc=example,dc=org";

    // Plain LDAP listeners (StartTLS is offered on them when a certificate is set). Port 0 picks a free port;
    // LdapServer.Endpoints tells which.
    public IList<IPEndPoint> Listen { get; set; } = [new IPEndPoint(IPAddress.Loopback, 3890)];

    // LDAPS listeners (TLS from the first byte). Used only with a certificate.
    public IList<IPEndPoint> ListenTls { get; set; } = [];

    // With a private key. Enables ListenTls and StartTLS; without it StartTLS is not offered.
    public X509Certificate2? Certificate { get; set; }

    // Anonymous (empty name and password) binds and searches. Off by default: the directory holds people's names
    // and addresses. When on, the host's IDirectory decides what BoundIdentity.Anonymous sees.
    public bool AllowAnonymous { get; set; }

    // Most entries one search returns (0 = no limit); a client's smaller sizeLimit wins. A paged search applies it to
    // each page instead, since paging exists to list more than one response may hold (RFC 2696).
    public int SizeLimit { get; set; } = 1000;

    // Largest LDAPMessage accepted; a longer one is malformed input and closes its connection.
    public int MaxMessageSize { get; set; } = 1024 * 1024;

    // Connections open at once; further ones are closed at once so that one client cannot exhaust the server.
    public int MaxConnections { get; set; } = 1000;

    // A connection that sends nothing for this long is closed (RFC 4511 5.3 lets a server end idle sessions).
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(15);

    // Paged searches one connection may keep open at once; the oldest is dropped beyond it.
    public int MaxPagedSearches { get; set; } = 4;

    // Reported as vendorVersion in the rootDSE.
    public string VendorVersion { get; set; } = "";

    // Problems as sentences that say how to fix them, for the host's start-up validation.
    public IEnumerable<string> Validate()
    {
        if (!DistinguishedName.TryParse(BaseDn, out var baseDn) || baseDn.IsRoot)
        {
            yield return $"Ldap:BaseDn '{BaseDn}' is not a distinguished name; use a suffix such as dc=example,dc=org.";
        }
        else
        {
            var type = Schema.Find(baseDn.Rdns[0].Avas[0].Type);
            if (type != Schema.Dc && type != Schema.O && type != Schema.Ou)
            {
                yield return $"Ldap:BaseDn '{BaseDn}' must start with dc=, o= or ou=.";
            }
        }
        if (Listen.Count == 0 && ListenTls.Count == 0)
        {
            yield return "Ldap: no listener; set Listen (e.g. 127.0.0.1:3890) or ListenTls with a Certificate.";
        }
        if (ListenTls.Count > 0 && Certificate is null)
        {
            yield return "Ldap:ListenTls needs a Certificate with its private key.";
        }
        if (Certificate is { HasPrivateKey: false })
        {
            yield return "Ldap:Certificate has no private key; load it from a PFX or a PEM pair.";
        }
        if (SizeLimit < 0)
        {
            yield return "Ldap:SizeLimit must be 0 (no limit) or more.";
        }
        if (MaxMessageSize < 1024)
        {
            yield return "Ldap:MaxMessageSize must be at least 1024 bytes.";
        }
        if (MaxConnections < 1)
        {
            yield return "Ldap:MaxConnections must be at least 1.";
        }
        if (MaxPagedSearches < 1)
        {
            yield return "Ldap:MaxPagedSearches must be at least 1.";
        }
        if (IdleTimeout <= TimeSpan.Zero && IdleTimeout != Timeout.InfiniteTimeSpan)
        {
            yield return "Ldap:IdleTimeout must be positive (or infinite).";
        }
    }
}
