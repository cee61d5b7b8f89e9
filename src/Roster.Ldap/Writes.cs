namespace Roster.Ldap;

// Add, Delete, Modify and Modify DN (RFC 4511 4.6-4.9): the directory is managed in Roster itself, so every update
// request is answered unwillingToPerform, with the response type that belongs to the request.
internal static class Writes
{
    private static readonly LdapResult ReadOnly = LdapResult.Error(
        ResultCode.UnwillingToPerform, "This directory is read-only: manage people and groups in Roster.");

    public static LdapResponse Refuse(ProtocolOp request, LdapResult? result = null)
    {
        result ??= ReadOnly;
        return request switch
        {
            AddRequest => new AddResponse(result),
            DelRequest => new DelResponse(result),
            ModifyRequest => new ModifyResponse(result),
            ModifyDNRequest => new ModifyDNResponse(result),
            _ => throw new LdapProtocolException($"{request.GetType().Name} is not a request this server answers."),
        };
    }
}
