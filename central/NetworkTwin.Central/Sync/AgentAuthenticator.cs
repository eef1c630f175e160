using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace NetworkTwin.Central.Sync;

/// <summary>
/// Checks that a call comes from the agent it claims to be: over TLS with a client certificate
/// that chains to the configured client CA (Coordinator:Tls:ClientCaFile, reloaded when it changes) and whose common name is
/// the agent id, or with the agent's own token (<c>authorization: Bearer ...</c>, configured under
/// Coordinator:AgentTokens:&lt;agent id&gt;). A call with neither gets UNAUTHENTICATED and is logged
/// with the peer and the claimed id; tokens never reach the log. With no tokens and no client CA
/// configured, authentication is off (development) and that is logged at start.
/// </summary>
internal sealed partial class AgentAuthenticator(IReadOnlyDictionary<string, string> tokens, ILogger logger, Service.ClientCertificateAuthority? clientCa = null)
{
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    public bool Enabled => tokens.Count > 0 || clientCa is not null;

    /// <summary>Throws UNAUTHENTICATED unless the call carries <paramref name="agentId"/>'s token.</summary>
    public void Check(ServerCallContext context, string agentId)
    {
        if (!Enabled)
        {
            return;
        }

        var certificate = context.GetHttpContext().Connection.ClientCertificate;
        if (certificate is not null && CertificateNames(certificate, agentId))
        {
            return;
        }

        var presented = PresentedToken(context);
        if (tokens.TryGetValue(agentId, out var expected)
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected)))
        {
            return;
        }

        var what = (certificate, presented.Length) switch
        {
            (not null, 0) => $"a client certificate for {certificate.GetNameInfo(X509NameType.SimpleName, false)} that is not valid for it, and no token",
            (not null, _) => "a client certificate not valid for it, and a wrong token",
            (null, 0) => "no client certificate and no token",
            _ => "a wrong token",
        };
        Log.Rejected(logger, context.Method, context.Peer ?? "?", agentId, what);
        throw new RpcException(new Status(StatusCode.Unauthenticated, "this agent's client certificate or token is missing or not valid"));
    }

    /// <summary>True when the certificate chains to the client CA, is meant for client authentication and names the agent.</summary>
    private bool CertificateNames(X509Certificate2 certificate, string agentId)
    {
        if (clientCa is null || !string.Equals(certificate.GetNameInfo(X509NameType.SimpleName, false), agentId, StringComparison.Ordinal))
        {
            return false;
        }

        var authorities = clientCa.Current();
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.ApplicationPolicy.Add(ClientAuthentication);
        if (!chain.Build(certificate) || chain.ChainElements.Count < 2)
        {
            return false;
        }

        // The root must be one of the client CA certificates itself, not merely share its name.
        var root = chain.ChainElements[^1].Certificate;
        return authorities.Any(ca => ca.RawDataMemory.Span.SequenceEqual(root.RawDataMemory.Span));
    }

    /// <summary>Logs, once at start, that any agent may sync.</summary>
    public void WarnOpen() => Log.Open(logger);

    /// <summary>
    /// Throws UNAUTHENTICATED unless the call carries one of the tokens (operators: any named token).
    /// Returns the token's name, which the audit trail records; null when no tokens are configured.
    /// </summary>
    public string? CheckAny(ServerCallContext context)
    {
        if (!Enabled)
        {
            return null;
        }

        var presented = PresentedToken(context);
        if (NameOf(presented) is { } name)
        {
            return name;
        }

        Log.Rejected(logger, context.Method, context.Peer ?? "?", "(operator)", presented.Length == 0 ? "no token" : "a wrong token");
        throw new RpcException(new Status(StatusCode.Unauthenticated, "an operator token is missing or not valid"));
    }

    /// <summary>The name of the token presented (compared in constant time), or null when it is none of them.</summary>
    public string? NameOf(string presented)
    {
        var bytes = Encoding.UTF8.GetBytes(presented);
        string? found = null;
        foreach (var (name, token) in tokens)
        {
            if (CryptographicOperations.FixedTimeEquals(bytes, Encoding.UTF8.GetBytes(token)))
            {
                found = name;
            }
        }

        return found;
    }

    /// <summary>The token of an <c>authorization: Bearer ...</c> header, or empty.</summary>
    public static string PresentedToken(string? authorization) =>
        authorization is not null && authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization["Bearer ".Length..] : string.Empty;

    private static string PresentedToken(ServerCallContext context) => PresentedToken(context.RequestHeaders.GetValue("authorization"));

    private static partial class Log
    {
        [LoggerMessage(7100, LogLevel.Warning, "No Coordinator:AgentTokens and no Coordinator:Tls:ClientCaFile configured: any agent may sync (development only)")]
        public static partial void Open(ILogger logger);

        [LoggerMessage(7101, LogLevel.Warning, "Refused {Method} from {Peer}: it claims agent id {AgentId} with {What}")]
        public static partial void Rejected(ILogger logger, string method, string peer, string agentId, string what);
    }
}
