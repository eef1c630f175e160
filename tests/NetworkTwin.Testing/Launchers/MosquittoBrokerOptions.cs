namespace NetworkTwin.Testing.Launchers;

/// <summary>How to run a local mosquitto for the demo, benchmarks and integration tests.</summary>
public sealed class MosquittoBrokerOptions
{
    /// <summary>Loopback port; 0 picks a free one.</summary>
    public int Port { get; set; }

    /// <summary>Folder for the config, password file and persistence database; null makes a temporary one (deleted on dispose).</summary>
    public string? Directory { get; set; }

    /// <summary>Save sessions and queued messages on shutdown and restore them on start.</summary>
    public bool Persistence { get; set; }

    /// <summary>User name to password; when set, anonymous clients are refused.</summary>
    public IReadOnlyDictionary<string, string>? Users { get; set; }

    /// <summary>PEM files for a TLS listener (instead of plain TCP).</summary>
    public string? TlsCertificateFile { get; set; }

    public string? TlsKeyFile { get; set; }

    /// <summary>When set with TLS, clients must present a certificate signed by this CA.</summary>
    public string? RequireClientCertificateCaFile { get; set; }
}
