namespace Roster.Ldap;

// Bind (RFC 4511 4.2) with simple authentication only (RFC 4513 5.1).
internal sealed partial class LdapConnection
{
    private async ValueTask BindAsync(int id, BindRequest request, CancellationToken cancellationToken)
    {
        // Any bind first drops the current authentication, so a failed one leaves the connection anonymous (4.2.1).
        // Paged results found for the previous identity go with it: the next identity may not see them.
        _bound = null;
        _pagedSearches.Clear();
        var result = await AuthenticateAsync(request, cancellationToken);
        Send(id, new BindResponse(result));
    }

    private async ValueTask<LdapResult> AuthenticateAsync(BindRequest request, CancellationToken cancellationToken)
    {
        if (request.Version != 3)
        {
            return LdapResult.Error(ResultCode.ProtocolError, "Only LDAP version 3 is supported.");
        }
        if (request.Authentication is not SimpleAuthentication simple)
        {
            return LdapResult.Error(ResultCode.AuthMethodNotSupported, "Only simple bind is supported.");
        }
        if (request.Name.Length == 0)
        {
            if (simple.Password.Length > 0)
            {
                return LdapResult.Error(ResultCode.InvalidCredentials, "Invalid credentials.");
            }
            // Anonymous authentication (RFC 4513 5.1.1) succeeds, as many clients bind so before reading the rootDSE;
            // what the anonymous session may read is decided per operation (Reader): only the rootDSE unless the
            // server allows anonymous searches (RFC 4513 6.1 lets a server restrict anonymous access).
            _bound = BoundIdentity.Anonymous;
            return LdapResult.Success;
        }
        if (simple.Password.Length == 0)
        {
            // Unauthenticated bind (RFC 4513 5.1.2): a name without a password would look like a success to
            // careless clients, so it is refused as 6.3.1 recommends.
            return LdapResult.Error(ResultCode.UnwillingToPerform, "Unauthenticated bind (a name without a password) is not allowed.");
        }
        if (!DistinguishedName.TryParse(request.Name, out var name))
        {
            return LdapResult.Error(ResultCode.InvalidDNSyntax, "The bind name is not a distinguished name.");
        }
        var outcome = await _server.Directory.BindAsync(name, simple.Password, _lastBound, RemoteEndPoint, cancellationToken);
        if (outcome.Identity is { } identity)
        {
            _bound = _lastBound = identity;
            Log.BindSucceeded(Logger, request.Name, RemoteEndPoint);
            return LdapResult.Success;
        }
        Log.BindFailed(Logger, request.Name, RemoteEndPoint, outcome.ResultCode);
        return LdapResult.Error(outcome.ResultCode, outcome.Message);
    }

    // Who searches: the bound identity, or the anonymous one when the server allows it; null when neither, and then
    // only the rootDSE may be read.
    private BoundIdentity? Reader => _bound is { IsAnonymous: false } ? _bound : Options.AllowAnonymous ? BoundIdentity.Anonymous : null;
}
