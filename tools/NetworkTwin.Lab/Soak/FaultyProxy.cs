using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace NetworkTwin.Lab.Soak;

/// <summary>What the faulty proxy does to the traffic it carries.</summary>
public enum ProxyFault
{
    /// <summary>Passes everything.</summary>
    None,

    /// <summary>Holds every byte back (a path that drops everything, as a dead link does): connections stall.</summary>
    Drop,

    /// <summary>Delays every chunk it forwards.</summary>
    Delay,

    /// <summary>Resets open connections and every new one (TCP RST).</summary>
    Reset,
}

/// <summary>
/// A TCP proxy on loopback between an agent and the coordinator, with faults switched on and off while it runs: drops
/// (nothing passes), delays, and resets. The agent's HTTP/2 connection goes through it like through a bad WAN link.
/// </summary>
public sealed class FaultyProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Socket, byte> _open = new();
    private readonly Task _accepting;
    private volatile ProxyFault _fault;
    private long _connections;
    private long _resets;

    public FaultyProxy(int targetPort)
    {
        _target = targetPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public TimeSpan Delay { get; set; } = TimeSpan.FromMilliseconds(800);

    public long Connections => Interlocked.Read(ref _connections);

    public long Resets => Interlocked.Read(ref _resets);

    public ProxyFault Fault
    {
        get => _fault;
        set
        {
            _fault = value;
            if (value == ProxyFault.Reset)
            {
                foreach (var socket in _open.Keys)
                {
                    Reset(socket);
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        foreach (var socket in _open.Keys)
        {
            socket.Dispose();
        }

        try
        {
            await _accepting.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptSocketAsync(_stop.Token).ConfigureAwait(false);
            Interlocked.Increment(ref _connections);
            if (_fault == ProxyFault.Reset)
            {
                Reset(client);
                continue;
            }

            _ = CarryAsync(client);
        }
    }

    private async Task CarryAsync(Socket client)
    {
        var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.NoDelay = true;
        _open.TryAdd(client, 0);
        _open.TryAdd(server, 0);
        try
        {
            await server.ConnectAsync(IPAddress.Loopback, _target, _stop.Token).ConfigureAwait(false);
            await Task.WhenAny(PumpAsync(client, server), PumpAsync(server, client)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The far end went away or the proxy stopped: the near end is closed below.
        }
        finally
        {
            _open.TryRemove(client, out _);
            _open.TryRemove(server, out _);
            client.Dispose();
            server.Dispose();
        }
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    return;
                }

                // A dropping path: what was read is lost and nothing passes until the fault ends (TCP then stalls).
                if (_fault == ProxyFault.Drop)
                {
                    while (_fault == ProxyFault.Drop)
                    {
                        await Task.Delay(100, _stop.Token).ConfigureAwait(false);
                    }

                    Reset(from);
                    return;
                }

                if (_fault == ProxyFault.Delay)
                {
                    await Task.Delay(Delay, _stop.Token).ConfigureAwait(false);
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Closed or reset.
        }
    }

    private void Reset(Socket socket)
    {
        Interlocked.Increment(ref _resets);
        try
        {
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already gone.
        }
    }
}
