namespace NetworkTwin.Mqtt.Client;

/// <summary>TLS to the broker. The server certificate is always validated, against the system store or <see cref="CaFile"/>.</summary>
public sealed class MqttTlsOptions
{
    /// <summary>Speak TLS to the broker (the certificate is always validated).</summary>
    public bool Enabled { get; set; }

    /// <summary>PEM file of the CA that signs the broker's certificate; null uses the system's trusted roots.</summary>
    public string? CaFile { get; set; }

    /// <summary>Name expected in the broker's certificate; null uses the host name.</summary>
    public string? ServerName { get; set; }

    /// <summary>PEM client certificate, for brokers that require one (with <see cref="ClientKeyFile"/>).</summary>
    public string? ClientCertificateFile { get; set; }

    /// <summary>PEM private key of ClientCertificateFile.</summary>

    public string? ClientKeyFile { get; set; }

    public IReadOnlyList<string> Validate(string section)
    {
        var errors = new List<string>();
        if (!Enabled)
        {
            return errors;
        }

        if (CaFile is not null && !File.Exists(CaFile))
        {
            errors.Add($"{section}:CaFile \"{CaFile}\" does not exist.");
        }

        if ((ClientCertificateFile is null) != (ClientKeyFile is null))
        {
            errors.Add($"{section}:ClientCertificateFile and {section}:ClientKeyFile must be given together.");
        }

        foreach (var (key, path) in new[] { ("ClientCertificateFile", ClientCertificateFile), ("ClientKeyFile", ClientKeyFile) })
        {
            if (path is not null && !File.Exists(path))
            {
                errors.Add($"{section}:{key} \"{path}\" does not exist.");
            }
        }

        return errors;
    }
}
