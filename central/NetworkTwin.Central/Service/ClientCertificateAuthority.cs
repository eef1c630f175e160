using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using NetworkTwin.Hosting.Security;

namespace NetworkTwin.Central.Service;

/// <summary>
/// The CA bundle agents' client certificates must chain to (Coordinator:Tls:ClientCaFile), reloaded without a restart
/// like the server certificate: a changed file that holds certificates replaces the bundle for the next call that is
/// checked, one that does not (half written, no certificate) is logged and the old bundle stays. Adding the next CA
/// beside the current one, then removing the old once every agent is renewed, rotates it with no downtime.
/// </summary>
internal sealed partial class ClientCertificateAuthority
{
    private readonly ReloadingFiles<X509Certificate2Collection> _files;

    public ClientCertificateAuthority(string caFile, TimeProvider time, ILogger<ClientCertificateAuthority> logger)
    {
        _files = new(
            [caFile],
            () => PemFiles.LoadBundle(caFile),
            time,
            (next, previous) => Log.Reloaded(logger, caFile, Describe(next), Describe(previous)),
            (ex, current) => Log.ReloadFailed(logger, caFile, ex.Message, Describe(current)));
        Log.Trusting(logger, caFile, Describe(_files.Current()));
    }

    /// <summary>The CA certificates to check a client certificate against now.</summary>
    public X509Certificate2Collection Current() => _files.Current();

    private static string Describe(X509Certificate2Collection bundle) =>
        string.Join(", ", bundle.Select(c => $"{c.GetNameInfo(X509NameType.SimpleName, false)} ({c.Thumbprint[..12]}, until {c.NotAfter.ToUniversalTime():yyyy-MM-dd})"));

    private static partial class Log
    {
        [LoggerMessage(7033, LogLevel.Information, "Agents' client certificates are checked against {CaFile}: {Authorities}; the file is watched and a changed bundle is used without a restart")]
        public static partial void Trusting(ILogger logger, string caFile, string authorities);

        [LoggerMessage(7034, LogLevel.Information, "Client CA reloaded from {CaFile}: {Authorities} (was {Previous}); the next calls are checked against it")]
        public static partial void Reloaded(ILogger logger, string caFile, string authorities, string previous);

        [LoggerMessage(7035, LogLevel.Warning, "Client CA file {CaFile} changed but does not load: {Reason}. Still trusting {Authorities}; fix the file and it is picked up")]
        public static partial void ReloadFailed(ILogger logger, string caFile, string reason, string authorities);
    }
}
