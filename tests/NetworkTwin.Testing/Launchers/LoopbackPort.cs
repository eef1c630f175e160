using System.Net;
using System.Net.Sockets;

namespace NetworkTwin.Testing.Launchers;

/// <summary>A free TCP port on 127.0.0.1, for the local components the demo, benchmarks and tests start.</summary>
public static class LoopbackPort
{
    /// <summary>A port the OS just handed out (it may be taken again before use; fine on a test host).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
