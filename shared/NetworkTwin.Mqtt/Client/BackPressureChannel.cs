using System.Buffers;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using MQTTnet;
using MQTTnet.Adapter;
using MQTTnet.Channel;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Formatter;
using MQTTnet.Implementations;

namespace NetworkTwin.Mqtt.Client;

/// <summary>
/// MQTTnet's TCP channel, read only while the client's inbound queue has room. MQTTnet hands received
/// PUBLISH packets to an unbounded queue of its own, so without this a consumer that falls behind a QoS 0
/// stream (which has no flow control in MQTT) would grow memory without limit; with it the socket is not read,
/// TCP's window closes and the broker holds the backlog, as the previous own client did. (QoS 1 is also held
/// by the broker's in-flight window: acknowledgements wait for room, <see cref="MqttClient"/>.)
/// </summary>
internal sealed class BackPressureChannel(IMqttChannel inner, Func<CancellationToken, ValueTask> waitForRoom) : IMqttChannel
{
    public X509Certificate2 ClientCertificate => inner.ClientCertificate;

    public EndPoint RemoteEndPoint => inner.RemoteEndPoint;

    public EndPoint LocalEndPoint => inner.LocalEndPoint;

    public bool IsSecureConnection => inner.IsSecureConnection;

    public Task ConnectAsync(CancellationToken cancellationToken) => inner.ConnectAsync(cancellationToken);

    public Task DisconnectAsync(CancellationToken cancellationToken) => inner.DisconnectAsync(cancellationToken);

    public async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        await waitForRoom(cancellationToken).ConfigureAwait(false);
        return await inner.ReadAsync(buffer, offset, count, cancellationToken).ConfigureAwait(false);
    }

    public Task WriteAsync(ReadOnlySequence<byte> buffer, bool isEndOfPacket, CancellationToken cancellationToken) =>
        inner.WriteAsync(buffer, isEndOfPacket, cancellationToken);

    public void Dispose() => inner.Dispose();

    /// <summary>MQTTnet's own adapter (formatter, packet inspector, fragmentation) over the gated TCP channel.</summary>
    internal sealed class Factory(Func<CancellationToken, ValueTask> waitForRoom) : IMqttClientAdapterFactory
    {
        public IMqttChannelAdapter CreateClientAdapter(MQTTnet.MqttClientOptions options, MqttPacketInspector packetInspector, IMqttNetLogger logger)
        {
            ArgumentNullException.ThrowIfNull(options);
            var channel = new BackPressureChannel(new MqttTcpChannel(options), waitForRoom);
            var formatter = new MqttPacketFormatterAdapter(options.ProtocolVersion, new MqttBufferWriter(options.WriterBufferSize, options.WriterBufferSizeMax));
            return new MqttChannelAdapter(channel, formatter, logger)
            {
                AllowPacketFragmentation = options.AllowPacketFragmentation,
                PacketInspector = packetInspector,
            };
        }
    }
}
