using System.Net;
using Microsoft.Extensions.Logging;

namespace Roster.Ldap;

// What a connection logs. Never a password: binds log the name and the result code only.
internal sealed partial class LdapConnection
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "LDAP connection from {Remote} (TLS: {Tls})")]
        public static partial void Connected(ILogger logger, IPEndPoint remote, bool tls);

        [LoggerMessage(2, LogLevel.Debug, "LDAP connection from {Remote} closed")]
        public static partial void Closed(ILogger logger, IPEndPoint remote);

        [LoggerMessage(3, LogLevel.Information, "LDAP protocol error from {Remote}, disconnecting: {Reason}")]
        public static partial void ProtocolError(ILogger logger, IPEndPoint remote, string reason);

        [LoggerMessage(4, LogLevel.Debug, "LDAP connection from {Remote} ended: {Reason}")]
        public static partial void Disconnected(ILogger logger, IPEndPoint remote, string reason);

        [LoggerMessage(5, LogLevel.Error, "LDAP connection from {Remote} failed")]
        public static partial void ConnectionFailed(ILogger logger, Exception exception, IPEndPoint remote);

        [LoggerMessage(6, LogLevel.Debug, "LDAP operation {MessageId} from {Remote} abandoned")]
        public static partial void Abandoned(ILogger logger, IPEndPoint remote, int messageId);

        [LoggerMessage(7, LogLevel.Debug, "LDAP connection from {Remote} started TLS")]
        public static partial void TlsStarted(ILogger logger, IPEndPoint remote);

        [LoggerMessage(10, LogLevel.Error, "LDAP {Operation} from {Remote} failed")]
        public static partial void OperationFailed(ILogger logger, Exception exception, string operation, IPEndPoint remote);

        [LoggerMessage(8, LogLevel.Debug, "LDAP bind as {Name} from {Remote} succeeded")]
        public static partial void BindSucceeded(ILogger logger, string name, IPEndPoint remote);

        [LoggerMessage(9, LogLevel.Information, "LDAP bind as {Name} from {Remote} failed: {ResultCode}")]
        public static partial void BindFailed(ILogger logger, string name, IPEndPoint remote, ResultCode resultCode);
    }
}
