using System.Net.Security;

namespace Roster.Ldap;

// Extended operations (RFC 4511 4.12): StartTLS (4.14) and Who am I? (RFC 4532).
internal sealed partial class LdapConnection
{
    private void HandleExtended(int id, ExtendedRequest request)
    {
        switch (request.RequestName)
        {
            case Extended.WhoAmIOid:
                // authzId "dn:<dn>", or empty for an anonymous session; the response has no name (RFC 4532 2.2).
                var authzId = _bound is { IsAnonymous: false } bound ? "dn:" + bound.Dn : "";
                Send(id, new ExtendedResponse(LdapResult.Success, null, new ValueArray<byte>(System.Text.Encoding.UTF8.GetBytes(authzId))));
                break;
            case Extended.StartTlsOid when Options.Certificate is null:
                Send(id, new ExtendedResponse(LdapResult.Error(ResultCode.ProtocolError, "StartTLS is not available: no certificate is configured.")));
                break;
            case Extended.StartTlsOid when IsTls:
                Send(id, new ExtendedResponse(LdapResult.Error(ResultCode.OperationsError, "TLS is already established."), Extended.StartTlsOid));
                break;
            case Extended.StartTlsOid:
                // The handshake starts once this response is flushed; the read loop does it.
                Send(id, new ExtendedResponse(LdapResult.Success, Extended.StartTlsOid));
                _startTlsRequested = true;
                break;
            default:
                // An unrecognized name gets only the LDAPResult, with protocolError (4.12).
                Send(id, new ExtendedResponse(LdapResult.Error(ResultCode.ProtocolError, $"Unsupported extended operation {request.RequestName}.")));
                break;
        }
    }

    private async Task StartTlsAsync(bool nothingPending)
    {
        _startTlsRequested = false;
        // RFC 4511 4.14.1: the client sends nothing after the request until the response; bytes here would be
        // plaintext interleaved with the handshake.
        if (!nothingPending)
        {
            throw new LdapProtocolException("Data received after a StartTLS request.");
        }
        await Output.FlushAsync(_closed.Token);
        await _input!.CompleteAsync();
        await Output.CompleteAsync();
        await AuthenticateTlsAsync();
        CreatePipes();
        Log.TlsStarted(Logger, RemoteEndPoint);
    }

    private async Task AuthenticateTlsAsync()
    {
        var tls = new SslStream(_stream, leaveInnerStreamOpen: false);
        _stream = tls;
        ArmIdleTimer();
        await tls.AuthenticateAsServerAsync(
            new SslServerAuthenticationOptions { ServerCertificate = Options.Certificate, ClientCertificateRequired = false },
            _closed.Token);
        IsTls = true;
    }
}

public static class Extended
{
    public const string StartTlsOid = "1.3.6.1.4.1.1466.20037";
    public const string WhoAmIOid = "1.3.6.1.4.1.4203.1.11.3";
}
