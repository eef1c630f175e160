using NetworkTwin.Mqtt.Client;

namespace NetworkTwin.Mqtt.Tests.Client;

internal static class BrokerTestKit
{
    public static MqttClientOptions Options(int port, string clientId, string protocolVersion = "5") => new()
    {
        Port = port,
        ClientId = clientId,
        ProtocolVersion = protocolVersion,
        ReconnectMinSeconds = 0.05,
        ReconnectMaxSeconds = 0.5,
        KeepAliveSeconds = 5,
        DeadConnectionSeconds = 10,
    };

    /// <summary>Awaits a condition, failing with <paramref name="what"/> after the timeout.</summary>
    public static Task Eventually(Func<bool> condition, string what, double timeoutSeconds = 30) =>
        NetworkTwin.Testing.Poll.UntilAsync(condition, what, timeoutSeconds, everyMilliseconds: 10);

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

    /// <summary>A CA, a server certificate for localhost/127.0.0.1 and a client certificate, as PEM files in <paramref name="dir"/>.</summary>
    public static (string Ca, string Cert, string Key, string ClientCert, string ClientKey) WriteCertificates(string dir)
    {
        var files = NetworkTwin.Hosting.Security.DevelopmentCertificates.Write(dir, clientName: "agent-1");
        return (files.CaCertificate, files.ServerCertificate, files.ServerKey, files.ClientCertificate, files.ClientKey);
    }
}
