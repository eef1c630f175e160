using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace NetworkTwin.Central.Hosting;

/// <summary>
/// The coordinator's TLS certificate (Coordinator:Tls:CertificateFile and KeyFile), reloaded without a restart: each
/// new TLS handshake looks, at most once a second, whether either file changed; a changed pair that loads replaces
/// the old one for new connections (open ones keep theirs), a pair that does not load (half written, wrong key) is
/// logged and the old certificate stays. Renewal by certbot, cert-manager or a copy is therefore picked up alone.
/// </summary>
internal sealed partial class ServerCertificate : IDisposable
{
    private static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(1);
    private readonly string _certificateFile;
    private readonly string _keyFile;
    private readonly TimeProvider _time;
    private readonly ILogger<ServerCertificate> _logger;
    private readonly Lock _gate = new();
    private X509Certificate2 _current;
    private (DateTime Certificate, DateTime Key) _loadedStamps;
    private (DateTime Certificate, DateTime Key) _refusedStamps;
    private long _checkedAt;

    public ServerCertificate(CoordinatorSettings settings, TimeProvider time, ILogger<ServerCertificate> logger)
    {
        _certificateFile = settings.CertificateFile ?? throw new ArgumentException("TLS is not configured", nameof(settings));
        _keyFile = settings.KeyFile ?? throw new ArgumentException("TLS is not configured", nameof(settings));
        _time = time;
        _logger = logger;
        _loadedStamps = Stamps();
        _current = X509Certificate2.CreateFromPemFile(_certificateFile, _keyFile);
        _checkedAt = time.GetTimestamp();
        Log.Serving(_logger, _current.Subject, _current.NotAfter.ToUniversalTime(), _current.Thumbprint);
    }

    /// <summary>The certificate for a new handshake: the files' latest pair that loads.</summary>
    public X509Certificate2 Current()
    {
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            if (_time.GetElapsedTime(_checkedAt, now) < CheckEvery)
            {
                return _current;
            }

            _checkedAt = now;
            var stamps = Stamps();
            if (stamps == _loadedStamps || stamps == _refusedStamps)
            {
                return _current;
            }

            try
            {
                var next = X509Certificate2.CreateFromPemFile(_certificateFile, _keyFile);
                var previous = _current;
                _current = next;
                _loadedStamps = stamps;

                // Open connections hold their own reference to the old certificate's key; not disposed under them.
                Log.Reloaded(_logger, next.Subject, next.NotAfter.ToUniversalTime(), next.Thumbprint, previous.Thumbprint);
            }
            catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or IOException or ArgumentException or UnauthorizedAccessException)
            {
                _refusedStamps = stamps;
                Log.ReloadFailed(_logger, _certificateFile, _keyFile, ex.Message, _current.Thumbprint);
            }

            return _current;
        }
    }

    public void Dispose() => _current.Dispose();

    private (DateTime, DateTime) Stamps()
    {
        try
        {
            return (File.GetLastWriteTimeUtc(_certificateFile), File.GetLastWriteTimeUtc(_keyFile));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (DateTime.MinValue, DateTime.MinValue);
        }
    }

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
