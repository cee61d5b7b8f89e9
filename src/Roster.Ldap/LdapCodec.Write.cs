using System.Formats.Asn1;

namespace Roster.Ldap;

// The encoding half of the codec: every protocol op, and search entries written straight from directory entries.
public static partial class LdapCodec
{
    public static byte[] Encode(LdapMessage message)
    {
        var writer = new AsnWriter(AsnEncodingRules.BER);
        Write(writer, message);
        return writer.Encode();
    }

    public static void Write(AsnWriter writer, LdapMessage message)
    {
        using (writer.PushSequence())
        {
            writer.WriteInteger(message.MessageId);
            WriteProtocolOp(writer, message.ProtocolOp);
            WriteControls(writer, message.Controls);
        }
    }

    internal static void WriteControls(AsnWriter writer, ValueArray<Control> controls)
    {
        if (controls.IsEmpty)
        {
            return;
        }
        using (writer.PushSequence(ControlsTag))
        {
            foreach (var control in controls)
            {
                using (writer.PushSequence())
                {
                    Ber.WriteString(writer, control.ControlType);
                    if (control.Criticality)
                    {
                        writer.WriteBoolean(true);
                    }
                    if (control.ControlValue is { } value)
                    {
                        writer.WriteOctetString(value.AsSpan());
                    }
                }
            }
        }
    }

    private static void WriteProtocolOp(AsnWriter writer, ProtocolOp op)
    {
        switch (op)
        {
            case BindRequest r:
                using (writer.PushSequence(App(0)))
                {
                    writer.WriteInteger(r.Version);
                    Ber.WriteString(writer, r.Name);
                    switch (r.Authentication)
                    {
                        case SimpleAuthentication simple:
                            Ber.WriteString(writer, simple.Password, Context(0));
                            break;
                        case SaslAuthentication sasl:
                            using (writer.PushSequence(Context(3, constructed: true)))
                            {
                                Ber.WriteString(writer, sasl.Mechanism);
                                if (sasl.Credentials is { } credentials)
                                {
                                    writer.WriteOctetString(credentials.AsSpan());
                                }
                            }
                            break;
                    }
                }
                break;
            case BindResponse r:
                using (writer.PushSequence(App(1)))
                {
                    WriteResultComponents(writer, r.Result);
                    if (r.ServerSaslCreds is { } creds)
                    {
                        writer.WriteOctetString(creds.AsSpan(), Context(7));
                    }
                }
                break;
            case UnbindRequest:
                writer.WriteNull(App(2, constructed: false));
                break;
            case SearchRequest r:
                using (writer.PushSequence(App(3)))
                {
                    Ber.WriteString(writer, r.BaseObject);
                    Ber.WriteEnumerated(writer, (int)r.Scope);
                    Ber.WriteEnumerated(writer, (int)r.DerefAliases);
                    writer.WriteInteger(r.SizeLimit);
                    writer.WriteInteger(r.TimeLimit);
                    writer.WriteBoolean(r.TypesOnly);
                    r.Filter.Write(writer);
                    using (writer.PushSequence())
                    {
                        foreach (var attribute in r.Attributes)
                        {
                            Ber.WriteString(writer, attribute);
                        }
                    }
                }
                break;
            case SearchResultEntry r:
                using (writer.PushSequence(App(4)))
                {
                    Ber.WriteString(writer, r.ObjectName);
                    using (writer.PushSequence())
                    {
                        foreach (var attribute in r.Attributes)
                        {
                            WriteAttribute(writer, attribute);
                        }
                    }
                }
                break;
            case SearchResultReference r:
                using (writer.PushSequence(App(19)))
                {
                    foreach (var uri in r.Uris)
                    {
                        Ber.WriteString(writer, uri);
                    }
                }
                break;
            case SearchResultDone r:
                WriteResult(writer, App(5), r.Result);
                break;
            case ModifyRequest r:
                using (writer.PushSequence(App(6)))
                {
                    Ber.WriteString(writer, r.Object);
                    using (writer.PushSequence())
                    {
                        foreach (var change in r.Changes)
                        {
                            using (writer.PushSequence())
                            {
                                Ber.WriteEnumerated(writer, (int)change.Operation);
                                WriteAttribute(writer, change.Modification);
                            }
                        }
                    }
                }
                break;
            case ModifyResponse r:
                WriteResult(writer, App(7), r.Result);
                break;
            case AddRequest r:
                using (writer.PushSequence(App(8)))
                {
                    Ber.WriteString(writer, r.Entry);
                    using (writer.PushSequence())
                    {
                        foreach (var attribute in r.Attributes)
                        {
                            WriteAttribute(writer, attribute);
                        }
                    }
                }
                break;
            case AddResponse r:
                WriteResult(writer, App(9), r.Result);
                break;
            case DelRequest r:
                Ber.WriteString(writer, r.Entry, App(10, constructed: false));
                break;
            case DelResponse r:
                WriteResult(writer, App(11), r.Result);
                break;
            case ModifyDNRequest r:
                using (writer.PushSequence(App(12)))
                {
                    Ber.WriteString(writer, r.Entry);
                    Ber.WriteString(writer, r.NewRdn);
                    writer.WriteBoolean(r.DeleteOldRdn);
                    if (r.NewSuperior is not null)
                    {
                        Ber.WriteString(writer, r.NewSuperior, Context(0));
                    }
                }
                break;
            case ModifyDNResponse r:
                WriteResult(writer, App(13), r.Result);
                break;
            case CompareRequest r:
                using (writer.PushSequence(App(14)))
                {
                    Ber.WriteString(writer, r.Entry);
                    using (writer.PushSequence())
                    {
                        Ber.WriteString(writer, r.AttributeDesc);
                        Ber.WriteString(writer, r.AssertionValue);
                    }
                }
                break;
            case CompareResponse r:
                WriteResult(writer, App(15), r.Result);
                break;
            case AbandonRequest r:
                writer.WriteInteger(r.MessageId, App(16, constructed: false));
                break;
            case ExtendedRequest r:
                using (writer.PushSequence(App(23)))
                {
                    Ber.WriteString(writer, r.RequestName, Context(0));
                    if (r.RequestValue is { } value)
                    {
                        writer.WriteOctetString(value.AsSpan(), Context(1));
                    }
                }
                break;
            case ExtendedResponse r:
                using (writer.PushSequence(App(24)))
                {
                    WriteResultComponents(writer, r.Result);
                    if (r.ResponseName is not null)
                    {
                        Ber.WriteString(writer, r.ResponseName, Context(10));
                    }
                    if (r.ResponseValue is { } value)
                    {
                        writer.WriteOctetString(value.AsSpan(), Context(11));
                    }
                }
                break;
            case IntermediateResponse r:
                using (writer.PushSequence(App(25)))
                {
                    if (r.ResponseName is not null)
                    {
                        Ber.WriteString(writer, r.ResponseName, Context(0));
                    }
                    if (r.ResponseValue is { } value)
                    {
                        writer.WriteOctetString(value.AsSpan(), Context(1));
                    }
                }
                break;
            default:
                throw new InvalidOperationException($"Unknown protocol operation {op.GetType().Name}.");
        }
    }

    private static void WriteResult(AsnWriter writer, Asn1Tag tag, LdapResult result)
    {
        using (writer.PushSequence(tag))
        {
            WriteResultComponents(writer, result);
        }
    }

    private static void WriteResultComponents(AsnWriter writer, LdapResult result)
    {
        Ber.WriteEnumerated(writer, (int)result.ResultCode);
        Ber.WriteString(writer, result.MatchedDN);
        Ber.WriteString(writer, result.DiagnosticMessage);
        if (!result.Referral.IsEmpty)
        {
            using (writer.PushSequence(ReferralTag))
            {
                foreach (var uri in result.Referral)
                {
                    Ber.WriteString(writer, uri);
                }
            }
        }
    }

    private static void WriteAttribute(AsnWriter writer, PartialAttribute attribute)
    {
        using (writer.PushSequence())
        {
            Ber.WriteString(writer, attribute.Type);
            using (writer.PushSetOf())
            {
                foreach (var value in attribute.Values)
                {
                    Ber.WriteString(writer, value);
                }
            }
        }
    }

    // SearchResultEntry straight from a directory entry, without building the PartialAttribute records:
    // the hot path of every search.
    internal static void WriteSearchEntry(AsnWriter writer, int messageId, DirectoryEntry entry, in AttributeSelection selection, bool typesOnly)
    {
        using (writer.PushSequence())
        {
            writer.WriteInteger(messageId);
            using (writer.PushSequence(App(4)))
            {
                Ber.WriteString(writer, entry.DnText);
                using (writer.PushSequence())
                {
                    foreach (var attribute in entry.AttributeSpan)
                    {
                        if (!selection.Includes(attribute.Type))
                        {
                            continue;
                        }
                        using (writer.PushSequence())
                        {
                            Ber.WriteString(writer, attribute.Type.Name);
                            using (writer.PushSetOf())
                            {
                                if (!typesOnly)
                                {
                                    foreach (var value in attribute.Values)
                                    {
                                        Ber.WriteString(writer, value);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
