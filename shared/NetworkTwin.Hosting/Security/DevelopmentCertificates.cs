using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace NetworkTwin.Hosting.Security;

/// <summary>PEM files a development CA writes: its certificate, and a server and a client certificate it signed.</summary>
public sealed record DevelopmentCertificateFiles(string CaCertificate, string ServerCertificate, string ServerKey, string ClientCertificate, string ClientKey);

/// <summary>
/// A throw-away certificate authority for development and tests: ECDSA P-256, a server
/// certificate for the given host names (plus localhost and 127.0.0.1) and a client certificate,
/// valid 30 days. Production uses the operator's own PKI.
/// </summary>
public static class DevelopmentCertificates
{
    public static DevelopmentCertificateFiles Write(string folder, IReadOnlyList<string>? hostNames = null, string clientName = "networktwin-agent")
    {
        Directory.CreateDirectory(folder);
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=NetworkTwin Development CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));

        // Key identifiers (RFC 5280 4.2.1.1-2) tie each leaf to its own CA, so a bundle of two CAs of the same name,
        // as during a rotation, still chains each certificate to the right one.
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        // One validity for the CA and everything it signs: read the clock once, so a leaf never outlives its
        // issuer by the second that passed between two reads (certificate times are whole seconds).
        var now = DateTimeOffset.UtcNow;
        var (notBefore, notAfter) = (now.AddDays(-1), now.AddDays(30));
        using var ca = caRequest.CreateSelfSigned(notBefore, notAfter);

        string Issue(string name, bool server, out string keyPem)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
            if (server)
            {
                var san = new SubjectAlternativeNameBuilder();
                foreach (var host in (hostNames ?? []).Append("localhost").Distinct(StringComparer.OrdinalIgnoreCase))
                {
                    if (IPAddress.TryParse(host, out var ip))
                    {
                        san.AddIpAddress(ip);
                    }
                    else
                    {
                        san.AddDnsName(host);
                    }
                }

                san.AddIpAddress(IPAddress.Loopback);
                request.CertificateExtensions.Add(san.Build());
            }

            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(server ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
            request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, includeKeyIdentifier: true, includeIssuerAndSerial: false));
            using var cert = request.Create(ca, notBefore, notAfter, RandomNumberGenerator.GetBytes(8));
            keyPem = key.ExportPkcs8PrivateKeyPem();
            return cert.ExportCertificatePem();
        }

        var files = new DevelopmentCertificateFiles(
            Path.Combine(folder, "ca.pem"),
            Path.Combine(folder, "server.pem"),
            Path.Combine(folder, "server.key"),
            Path.Combine(folder, "client.pem"),
            Path.Combine(folder, "client.key"));
        // Each file ends with a newline, as PEM files do, so 'cat old-ca.pem new-ca.pem > bundle.pem' makes a bundle.
        File.WriteAllText(files.CaCertificate, ca.ExportCertificatePem() + "\n");
        File.WriteAllText(files.ServerCertificate, Issue(hostNames is { Count: > 0 } ? hostNames[0] : "localhost", true, out var serverKey) + "\n");
        File.WriteAllText(files.ServerKey, serverKey + "\n");
        File.WriteAllText(files.ClientCertificate, Issue(clientName, false, out var clientKey) + "\n");
        File.WriteAllText(files.ClientKey, clientKey + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(files.ServerKey, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.SetUnixFileMode(files.ClientKey, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return files;
    }
}
