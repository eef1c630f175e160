using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace NetworkTwin.Hosting.Security;

/// <summary>
/// Server certificate validation against the CA certificates of one PEM file (a bundle of several during a rotation)
/// instead of the system's roots; host names still checked. A file with no certificate is refused, not trusted as empty.
/// </summary>
public static class TrustedCa
{
    public static RemoteCertificateValidationCallback From(string caPemFile)
    {
        var roots = PemFiles.LoadBundle(caPemFile);
        return (_, certificate, _, errors) =>
        {
            if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0 || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
            {
                return false;
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.CustomTrustStore.AddRange(roots);
            return chain.Build(X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
        };
    }
}
