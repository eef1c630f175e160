using System.Net;
using System.Net.Sockets;
using NetworkTwin.Mqtt.Client;
using static NetworkTwin.Mqtt.Tests.Client.BrokerTestKit;

namespace NetworkTwin.Mqtt.Tests.Client;

/// <summary>
/// A scripted TCP peer stands in for a broken broker (mosquitto never sends malformed packets):
/// each accepted connection gets CONNACK and then <c>misbehave</c>.
/// </summary>
public class MqttClientHostileBrokerTests
{
    private static readonly byte[] ConnAck = [0x20, 0x02, 0x00, 0x00];

    private static async Task<(int Port, Func<int> Accepted, Task Serve)> FakeBroker(Func<NetworkStream, Task> misbehave, CancellationToken ct)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var accepted = 0;
        var serve = Task.Run(async () =>
        {
            try
            {
                while (!ct.IsCancellationRequested)
                {
                    var socket = await listener.AcceptSocketAsync(ct);
                    Interlocked.Increment(ref accepted);
                    _ = Task.Run(async () =>
                    {
                        using var stream = new NetworkStream(socket, ownsSocket: true);
                        var connect = new byte[256];
                        _ = await stream.ReadAsync(connect, ct);
                        await stream.WriteAsync(ConnAck, ct);
                        await misbehave(stream);
                    }, ct);
                }
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                listener.Stop();
            }
        }, ct);
        await Task.Yield();
        return (((IPEndPoint)listener.LocalEndpoint).Port, () => Volatile.Read(ref accepted), serve);
    }

    /// <summary>MQTT 3.1.1 options: the scripted peer answers with a 3.1.1 CONNACK.</summary>
    private static MqttClientOptions Options311(int port, string clientId)
    {
        var options = Options(port, clientId);
        options.ProtocolVersion = "3.1.1";
        return options;
    }

    [Theory]
    [InlineData(new byte[] { 0x36, 0x04, 0x00, 0x01, (byte)'a', 0x00 })] // PUBLISH at QoS 3
    [InlineData(new byte[] { 0xC0, 0x00 })] // a PINGREQ, which only clients send
    [InlineData(new byte[] { 0x00, 0x00 })] // packet type 0, reserved
    public async Task MalformedPacket_ClosesLogsAndReconnects(byte[] garbage)
    {
        using var cts = new CancellationTokenSource();
        var (port, accepted, serve) = await FakeBroker(async s =>
        {
            await s.WriteAsync(garbage);
            await Task.Delay(Timeout.Infinite, cts.Token);
        }, cts.Token);
        var log = new ListLogger();
        await using var client = new MqttClient(Options311(port, "victim"), log);

        client.Start();
        await Eventually(() => accepted() >= 3, "three connections");
        await cts.CancelAsync();

        Assert.True(log.Contains("Lost the connection"), string.Join(Environment.NewLine, log.Lines.Select(l => l.Message)));
        Assert.True(client.GetStatistics().Connects >= 2);
        await serve;
    }

    [Fact]
    public async Task SilentBroker_KeepAliveDetectsTheDeadConnection_AndReconnects()
    {
        using var cts = new CancellationTokenSource();
        var (port, accepted, serve) = await FakeBroker(s => Task.Delay(Timeout.Infinite, cts.Token), cts.Token);
        var options = Options311(port, "keepalive");
        options.KeepAliveSeconds = 1;
        options.DeadConnectionSeconds = 1.5;
        var log = new ListLogger();
        await using var client = new MqttClient(options, log);

        client.Start();
        await Eventually(() => accepted() >= 2, "a reconnect after the dead connection", 15);
        await cts.CancelAsync();

        Assert.True(log.Contains("Lost the connection"));
        await serve;
    }
}
