using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace NetworkTwin.Central.Service;

/// <summary>
/// The coordinator's TLS certificate (Coordinator:Tls:CertificateFile and KeyFile), reloaded without a restart: each
/// new TLS handshake looks, at most once a second, whether either file changed; a changed pair that loads replaces
/// the old one for new connections (open ones keep theirs), a pair that does not load (half written, wrong key) is
/// logged and the old certificate stays. Renewal by certbot, cert-manager or a copy is therefore picked up alone.
/// </summary>
internal sealed partial class ServerCertificate : IDisposable
{
    private readonly ReloadingFiles<X509Certificate2> _files;

    public ServerCertificate(CoordinatorSettings settings, TimeProvider time, ILogger<ServerCertificate> logger)
    {
        var certificateFile = settings.CertificateFile ?? throw new ArgumentException("TLS is not configured", nameof(settings));
        var keyFile = settings.KeyFile ?? throw new ArgumentException("TLS is not configured", nameof(settings));

        // Open connections hold their own reference to a replaced certificate's key, so it is not disposed under them.
        _files = new(
            [certificateFile, keyFile],
            () => X509Certificate2.CreateFromPemFile(certificateFile, keyFile),
            time,
            (next, previous) => Log.Reloaded(logger, next.Subject, next.NotAfter.ToUniversalTime(), next.Thumbprint, previous.Thumbprint),
            (ex, current) => Log.ReloadFailed(logger, certificateFile, keyFile, ex.Message, current.Thumbprint));
        var first = _files.Current();
        Log.Serving(logger, first.Subject, first.NotAfter.ToUniversalTime(), first.Thumbprint);
    }

    /// <summary>The certificate for a new handshake: the files' latest pair that loads.</summary>
    public X509Certificate2 Current() => _files.Current();

    public void Dispose() => _files.Current().Dispose();

    private static partial class Log
    {
        [LoggerMessage(7030, LogLevel.Information, "TLS certificate {Subject}, valid until {NotAfter:u}, thumbprint {Thumbprint}; its files are watched and a renewed pair is used without a restart")]
        public static partial void Serving(ILogger logger, string subject, DateTime notAfter, string thumbprint);

        [LoggerMessage(7031, LogLevel.Information, "TLS certificate reloaded: {Subject}, valid until {NotAfter:u}, thumbprint {Thumbprint} (was {Previous}); new connections use it")]
        public static partial void Reloaded(ILogger logger, string subject, DateTime notAfter, string thumbprint, string previous);

        [LoggerMessage(7032, LogLevel.Warning, "TLS certificate files changed but do not load ({CertificateFile}, {KeyFile}): {Reason}. Still serving {Thumbprint}; fix the pair and it is picked up")]
        public static partial void ReloadFailed(ILogger logger, string certificateFile, string keyFile, string reason, string thumbprint);
    }
}
