using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace NetworkTwin.Hosting.Systemd;

/// <summary>
/// The sending side of systemd's notify protocol (sd_notify): one datagram of newline-separated
/// KEY=VALUE assignments to the Unix socket named by <c>$NOTIFY_SOCKET</c> (a path, or an abstract
/// name when it starts with '@'). Written here because the systemd hosting package is not available.
/// </summary>
public sealed class SystemdNotifier : IDisposable
{
    private readonly Socket _socket;
    private readonly UnixDomainSocketEndPoint _endpoint;

    public SystemdNotifier(string socketAddress)
    {
        ArgumentException.ThrowIfNullOrEmpty(socketAddress);
        Address = socketAddress;
        _endpoint = new UnixDomainSocketEndPoint(socketAddress[0] == '@' ? "\0" + socketAddress[1..] : socketAddress);
        _socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    }

    public string Address { get; }

    /// <summary>The notifier for <c>$NOTIFY_SOCKET</c>, or null when the process was not started by systemd with Type=notify.</summary>
    public static SystemdNotifier? FromEnvironment() =>
        OperatingSystem.IsLinux() && Environment.GetEnvironmentVariable("NOTIFY_SOCKET") is { Length: > 0 } address ? new SystemdNotifier(address) : null;

    /// <summary>
    /// The watchdog interval systemd expects pings within (<c>$WATCHDOG_USEC</c>), or null when the
    /// watchdog is off or meant for another process (<c>$WATCHDOG_PID</c>).
    /// </summary>
    public static TimeSpan? WatchdogFromEnvironment()
    {
        if (!long.TryParse(Environment.GetEnvironmentVariable("WATCHDOG_USEC"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var usec) || usec <= 0)
        {
            return null;
        }

        var pid = Environment.GetEnvironmentVariable("WATCHDOG_PID");
        return string.IsNullOrEmpty(pid) || pid == Environment.ProcessId.ToString(CultureInfo.InvariantCulture) ? TimeSpan.FromMicroseconds(usec) : null;
    }

    /// <summary>Sends one state message, for example <c>READY=1</c> or <c>STATUS=...</c>; false when the socket refused it.</summary>
    public bool Notify(string state)
    {
        try
        {
            return _socket.SendTo(Encoding.UTF8.GetBytes(state), SocketFlags.None, _endpoint) > 0;
        }
        catch (SocketException)
        {
            // systemd gone (or a test socket closed): the service keeps running regardless.
            return false;
        }
    }

    public void Dispose() => _socket.Dispose();
}
