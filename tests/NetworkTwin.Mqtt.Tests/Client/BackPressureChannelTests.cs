using System.Buffers;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using MQTTnet.Channel;
using NetworkTwin.Mqtt.Client;

namespace NetworkTwin.Mqtt.Tests.Client;

/// <summary>The socket is read only while the inbound queue has room: a full queue holds the read, room releases it.</summary>
public sealed class BackPressureChannelTests
{
    /// <summary>A peer with bytes always waiting, as a broker with a backlog is.</summary>
    private sealed class AlwaysReadable : IMqttChannel
    {
        public int Reads { get; private set; }

        public X509Certificate2 ClientCertificate => null!;

        public EndPoint RemoteEndPoint => new IPEndPoint(IPAddress.Loopback, 1883);

        public EndPoint LocalEndPoint => new IPEndPoint(IPAddress.Loopback, 50000);

        public bool IsSecureConnection => false;

        public Task ConnectAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task DisconnectAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Reads++;
            buffer[offset] = 0x30;
            return Task.FromResult(1);
        }

        public Task WriteAsync(ReadOnlySequence<byte> buffer, bool isEndOfPacket, CancellationToken cancellationToken) => Task.CompletedTask;

        public void Dispose()
        {
        }
    }

    [Fact]
    public async Task Read_WaitsForRoom_ThenReadsTheSocket()
    {
        var inner = new AlwaysReadable();
        var room = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var channel = new BackPressureChannel(inner, ct => new ValueTask(room.Task.WaitAsync(ct)));
        var buffer = new byte[8];

        var read = channel.ReadAsync(buffer, 0, 8, CancellationToken.None);
        var heldWhileFull = !read.IsCompleted && inner.Reads == 0;
        room.SetResult();
        var bytes = await read.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.True(heldWhileFull, "the socket was read while the queue was full");
        Assert.Equal((1, 1), (bytes, inner.Reads));
    }

    [Fact]
    public async Task Read_WhileFull_IsCancelledWithTheConnection()
    {
        var inner = new AlwaysReadable();
        using var channel = new BackPressureChannel(inner, ct => new ValueTask(Task.Delay(Timeout.Infinite, ct)));
        using var connection = new CancellationTokenSource();

        var read = channel.ReadAsync(new byte[8], 0, 8, connection.Token);
        await connection.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read);
        Assert.Equal(0, inner.Reads);
    }
}
