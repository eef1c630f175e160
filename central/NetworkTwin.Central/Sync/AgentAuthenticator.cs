using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using NetworkTwin.Rpc;
using NetworkTwin.Rpc.Server;

namespace NetworkTwin.Central.Sync;

/// <summary>
/// Checks that a call carries the agent's own token (<c>authorization: Bearer ...</c>), as
/// configured under Coordinator:AgentTokens:&lt;agent id&gt;. A call without a valid token gets
/// UNAUTHENTICATED and is logged with the peer and the claimed id; tokens never reach the log.
/// With no tokens configured, authentication is off (development) and that is logged at start.
/// </summary>
public sealed partial class AgentAuthenticator(IReadOnlyDictionary<string, string> tokens, ILogger logger)
{
    public bool Enabled => tokens.Count > 0;

    /// <summary>Throws UNAUTHENTICATED unless the call carries <paramref name="agentId"/>'s token.</summary>
    public void Check(RpcCallContext context, string agentId)
    {
        if (!Enabled)
        {
            return;
        }

        var header = context.RequestHeaders.Authorization.ToString();
        var presented = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..] : string.Empty;
        if (tokens.TryGetValue(agentId, out var expected)
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected)))
        {
            return;
        }

        Log.Rejected(logger, context.Method, context.Peer ?? "?", agentId, presented.Length == 0 ? "no token" : "a wrong token");
        throw new RpcException(RpcStatusCode.Unauthenticated, "this agent's token is missing or not valid");
    }

    /// <summary>Logs, once at start, that any agent may sync.</summary>
    public void WarnOpen() => Log.Open(logger);

    /// <summary>Throws UNAUTHENTICATED unless the call carries one of the tokens (operators: any named token).</summary>
    public void CheckAny(RpcCallContext context)
    {
        if (!Enabled)
        {
            return;
        }

        var header = context.RequestHeaders.Authorization.ToString();
        var presented = Encoding.UTF8.GetBytes(header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..] : string.Empty);
        if (tokens.Values.Any(t => CryptographicOperations.FixedTimeEquals(presented, Encoding.UTF8.GetBytes(t))))
        {
            return;
        }

        Log.Rejected(logger, context.Method, context.Peer ?? "?", "(operator)", presented.Length == 0 ? "no token" : "a wrong token");
        throw new RpcException(RpcStatusCode.Unauthenticated, "an operator token is missing or not valid");
    }

    private static partial class Log
    {
        [LoggerMessage(7100, LogLevel.Warning, "No Coordinator:AgentTokens configured: any agent may sync (development only)")]
        public static partial void Open(ILogger logger);

        [LoggerMessage(7101, LogLevel.Warning, "Refused {Method} from {Peer}: it claims agent id {AgentId} with {What}")]
        public static partial void Rejected(ILogger logger, string method, string peer, string agentId, string what);
    }
}
