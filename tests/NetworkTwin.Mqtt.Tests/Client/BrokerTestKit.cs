using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using NetworkTwin.Mqtt.Client;

namespace NetworkTwin.Mqtt.Tests.Client;

internal static class BrokerTestKit
{
    public static MqttClientOptions Options(int port, string clientId) => new()
    {
        Port = port,
        ClientId = clientId,
        ReconnectMinSeconds = 0.05,
        ReconnectMaxSeconds = 0.5,
        KeepAliveSeconds = 5,
        DeadConnectionSeconds = 10,
    };

    /// <summary>Awaits a condition, failing with <paramref name="what"/> after the timeout.</summary>
    public static async Task Eventually(Func<bool> condition, string what, double timeoutSeconds = 30)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed.TotalSeconds > timeoutSeconds)
            {
                Assert.Fail($"timed out after {timeoutSeconds} s waiting for: {what}");
            }

            await Task.Delay(10);
        }
    }

    public static async Task<List<MqttMessage>> Receive(MqttClient client, int count, double timeoutSeconds = 30)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        var list = new List<MqttMessage>(count);
        while (list.Count < count)
        {
            list.Add(await client.Messages.ReadAsync(cts.Token));
        }

        return list;
    }

    /// <summary>A CA and a server certificate for localhost/127.0.0.1, as PEM files in <paramref name="dir"/>.</summary>
    public static (string Ca, string Cert, string Key, string ClientCert, string ClientKey) WriteCertificates(string dir)
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=NetworkTwin Test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));

        string Issue(string name, bool server, out string keyPem)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
            if (server)
            {
                var san = new SubjectAlternativeNameBuilder();
                san.AddDnsName("localhost");
                san.AddIpAddress(IPAddress.Loopback);
                request.CertificateExtensions.Add(san.Build());
            }

            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
                [new Oid(server ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
            using var cert = request.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30), RandomNumberGenerator.GetBytes(8));
            keyPem = key.ExportPkcs8PrivateKeyPem();
            return cert.ExportCertificatePem();
        }

        var serverPem = Issue("localhost", true, out var serverKey);
        var clientPem = Issue("agent-1", false, out var clientKey);
        var paths = (Path.Combine(dir, "ca.pem"), Path.Combine(dir, "server.pem"), Path.Combine(dir, "server.key"), Path.Combine(dir, "client.pem"), Path.Combine(dir, "client.key"));
        File.WriteAllText(paths.Item1, ca.ExportCertificatePem());
        File.WriteAllText(paths.Item2, serverPem);
        File.WriteAllText(paths.Item3, serverKey);
        File.WriteAllText(paths.Item4, clientPem);
        File.WriteAllText(paths.Item5, clientKey);
        return paths;
    }
}
