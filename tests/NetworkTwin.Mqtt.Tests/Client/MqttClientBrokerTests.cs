using System.Text;
using NetworkTwin.Mqtt.Client;
using NetworkTwin.Testing.Launchers;
using static NetworkTwin.Mqtt.Tests.Client.BrokerTestKit;

namespace NetworkTwin.Mqtt.Tests.Client;

/// <summary>The client against a real mosquitto started per test.</summary>
public class MqttClientBrokerTests
{
    [Theory]
    [InlineData("5")]
    [InlineData("3.1.1")]
    public async Task PublishSubscribe_WildcardsAtQos0And1_DeliversInOrder(string version)
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var subscriber = new MqttClient(Options(broker.Port, "sub", version));
        await using var publisher = new MqttClient(Options(broker.Port, "pub", version));
        subscriber.Start();
        publisher.Start();
        await subscriber.SubscribeAsync("nt/+/+/throughput", MqttQos.AtLeastOnce);
        await subscriber.SubscribeAsync("alarms/#", MqttQos.AtMostOnce);

        for (var i = 0; i < 100; i++)
        {
            await publisher.PublishAsync(new MqttMessage($"nt/site-a/{i % 4}/throughput", Encoding.ASCII.GetBytes($"{i}"), MqttQos.AtLeastOnce));
        }

        await publisher.PublishAsync(new MqttMessage("nt/site-a/1/pkt-stats", "ignored"u8.ToArray(), MqttQos.AtLeastOnce));
        await publisher.PublishAsync(new MqttMessage("alarms/site-a/link/2", "down"u8.ToArray()));
        await publisher.FlushAsync();
        var received = await Receive(subscriber, 101);

        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"{i}"), received.Take(100).Select(m => Encoding.ASCII.GetString(m.Payload.Span)));
        Assert.All(received.Take(100), m => Assert.Equal(MqttQos.AtLeastOnce, m.Qos));
        Assert.Equal("alarms/site-a/link/2", received[100].Topic);
        Assert.Equal(0, subscriber.Messages.Count);
    }

    [Theory]
    [InlineData("5")]
    [InlineData("3.1.1")]
    public async Task BrokerRestart_MidQos1Stream_NoAcceptedMessageIsMissing(string version)
    {
        const int Total = 20_000;
        await using var broker = await MosquittoBroker.StartAsync(new MosquittoBrokerOptions { Persistence = true });
        await using var subscriber = new MqttClient(Options(broker.Port, "restart-sub", version));
        await using var publisher = new MqttClient(Options(broker.Port, "restart-pub", version));
        subscriber.Start();
        publisher.Start();
        await subscriber.SubscribeAsync("stream/#", MqttQos.AtLeastOnce);
        var seen = new HashSet<int>();
        var duplicates = 0;
        var consumer = Task.Run(async () =>
        {
            await foreach (var m in subscriber.Messages.ReadAllAsync())
            {
                lock (seen)
                {
                    if (!seen.Add(int.Parse(Encoding.ASCII.GetString(m.Payload.Span))))
                    {
                        duplicates++;
                    }
                }
            }
        });

        var producer = Task.Run(async () =>
        {
            for (var i = 0; i < Total; i++)
            {
                await publisher.PublishAsync(new MqttMessage("stream/seq", Encoding.ASCII.GetBytes($"{i}"), MqttQos.AtLeastOnce));
            }
        });
        await Eventually(() => { lock (seen) { return seen.Count > Total / 4; } }, "a quarter of the stream before the restart");
        await broker.StopAsync();
        await broker.RestartAsync();
        await producer;
        await publisher.FlushAsync().WaitAsync(TimeSpan.FromSeconds(60));
        await Eventually(() => { lock (seen) { return seen.Count == Total; } }, "every message after the restart", 60);

        Assert.True(publisher.GetStatistics().Connects >= 2, "the publisher reconnected");
        Assert.True(subscriber.GetStatistics().Connects >= 2, "the subscriber reconnected");
        lock (seen)
        {
            Assert.Equal(Total, seen.Count);
        }
    }

    [Theory]
    [InlineData(MqttQos.AtLeastOnce)]
    [InlineData(MqttQos.AtMostOnce)]
    public async Task InboundQueueFull_StopsReadingInsteadOfGrowing_AndLosesNothing(MqttQos qos)
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var options = Options(broker.Port, "slow-sub");
        options.InboundQueueCapacity = 10;
        await using var subscriber = new MqttClient(options);
        await using var publisher = new MqttClient(Options(broker.Port, "fast-pub"));
        subscriber.Start();
        publisher.Start();
        await subscriber.SubscribeAsync("bp/#", MqttQos.AtLeastOnce);

        // QoS 0 has no flow control in MQTT: only the unread socket holds the broker back.
        for (var i = 0; i < 2000; i++)
        {
            await publisher.PublishAsync(new MqttMessage("bp/x", Encoding.ASCII.GetBytes($"{i}"), qos));
        }

        await publisher.FlushAsync();
        await Eventually(() => subscriber.Messages.Count == 10, "the queue to fill");
        var queuedWhileBlocked = subscriber.Messages.Count;
        var received = await Receive(subscriber, 2000);

        Assert.Equal(10, queuedWhileBlocked);
        Assert.Equal(Enumerable.Range(0, 2000).Select(i => $"{i}"), received.Select(m => Encoding.ASCII.GetString(m.Payload.Span)));
    }

    [Fact]
    public async Task Authentication_WrongPasswordIsLoggedAndRetried_RightOneConnects()
    {
        await using var broker = await MosquittoBroker.StartAsync(new MosquittoBrokerOptions { Users = new Dictionary<string, string> { ["agent"] = "s3cret" } });
        var wrongLog = new ListLogger();
        var wrong = Options(broker.Port, "wrong");
        wrong.Username = "agent";
        wrong.Password = "nope";
        var right = Options(broker.Port, "right");
        right.Username = "agent";
        right.Password = "s3cret";
        await using var refused = new MqttClient(wrong, wrongLog);
        await using var accepted = new MqttClient(right);

        refused.Start();
        accepted.Start();
        await accepted.WaitConnectedAsync().WaitAsync(TimeSpan.FromSeconds(10));
        await Eventually(() => refused.GetStatistics().ConnectionFailures >= 2, "the refused client to retry");

        Assert.False(refused.GetStatistics().Connected);
        // mosquitto answers bad credentials with "not authorized" (3.1.1 return code 5, MQTT 5 reason code 0x87).
        Assert.True(wrongLog.Contains("not authorised (check Mqtt:Username"));
        Assert.True(wrongLog.Contains("NotAuthorized") || wrongLog.Contains("BadUserNameOrPassword"), "the MQTT reason code is in the log");
        Assert.DoesNotContain(wrongLog.Lines, l => l.Message.Contains("nope", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Tls_ValidatesTheBrokerAgainstTheConfiguredCa_AndPresentsAClientCertificate()
    {
        var dir = Directory.CreateTempSubdirectory("nt-tls-").FullName;
        var (ca, cert, key, clientCert, clientKey) = WriteCertificates(dir);
        await using var broker = await MosquittoBroker.StartAsync(new MosquittoBrokerOptions
        {
            TlsCertificateFile = cert,
            TlsKeyFile = key,
            RequireClientCertificateCaFile = ca,
        });
        var trusted = Options(broker.Port, "tls-ok");
        trusted.Host = "localhost";
        trusted.Tls = new MqttTlsOptions { Enabled = true, CaFile = ca, ClientCertificateFile = clientCert, ClientKeyFile = clientKey };
        var untrustedLog = new ListLogger();
        var untrusted = Options(broker.Port, "tls-system-roots");
        untrusted.Host = "localhost";
        untrusted.Tls = new MqttTlsOptions { Enabled = true, ClientCertificateFile = clientCert, ClientKeyFile = clientKey };
        await using var good = new MqttClient(trusted);
        await using var bad = new MqttClient(untrusted, untrustedLog);

        good.Start();
        bad.Start();
        await good.SubscribeAsync("tls/#").WaitAsync(TimeSpan.FromSeconds(10));
        await good.PublishAsync(new MqttMessage("tls/echo", "over tls"u8.ToArray(), MqttQos.AtLeastOnce));
        var echo = await Receive(good, 1);
        // The failure is counted just before it is logged: wait for the log line itself.
        await Eventually(() => untrustedLog.Contains("Cannot connect"), "the untrusted client to fail and say so");

        Assert.Equal("over tls", Encoding.ASCII.GetString(echo[0].Payload.Span));
        Assert.False(bad.GetStatistics().Connected);
        Assert.True(untrustedLog.Contains("Cannot connect"));
        Directory.Delete(dir, true);
    }
}
