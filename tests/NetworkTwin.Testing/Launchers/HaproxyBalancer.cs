using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace NetworkTwin.Testing.Launchers;

/// <summary>
/// A real HAProxy (Debian's haproxy) in TCP mode on a loopback port in front of coordinator replicas, as production
/// puts them behind one address: round robin over the replicas that pass a connect check every half second, a
/// connection that cannot reach its replica sent to another. Started with a written config, stopped by PID.
/// </summary>
public sealed class HaproxyBalancer : IAsyncDisposable
{
    private static readonly string[] KnownPlaces = ["/usr/sbin/haproxy", "/usr/local/sbin/haproxy"];

    private readonly string _directory;
    private readonly StringBuilder _output = new();
    private Process? _process;

    private HaproxyBalancer(string directory, int port)
    {
        _directory = directory;
        Port = port;
    }

    /// <summary>The one address the agents and operators use.</summary>
    public int Port { get; }

    /// <summary>The haproxy process (0 once stopped), for its CPU and memory.</summary>
    public int ProcessId => _process?.Id ?? 0;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The haproxy executable, or null when it is not installed.</summary>
    public static string? FindExecutable() =>
        KnownPlaces.Concat(Executables.OnPath("haproxy")).FirstOrDefault(File.Exists);

    public static async Task<HaproxyBalancer> StartAsync(IReadOnlyList<int> backendPorts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(backendPorts);
        var executable = FindExecutable()
            ?? throw new FileNotFoundException("haproxy is not installed (Debian: apt-get install haproxy); ./build.sh test installs it.");
        var directory = Directory.CreateTempSubdirectory("nt-haproxy-").FullName;
        var balancer = new HaproxyBalancer(directory, LoopbackPort.Free());
        var config = new StringBuilder()
            .AppendLine("global")
            // Two descriptors a connection: within the 20000 a test process may open here.
            .AppendLine("  maxconn 4000")
            .AppendLine("defaults")
            .AppendLine("  mode tcp")
            .AppendLine("  timeout connect 2s")
            // gRPC streams are long-lived: the agent's HTTP/2 keep-alive pings keep them, not a proxy timeout.
            .AppendLine("  timeout client 1h")
            .AppendLine("  timeout server 1h")
            .AppendLine("  option redispatch")
            .AppendLine("  retries 3")
            .AppendLine("frontend coordinators")
            .AppendLine(CultureInfo.InvariantCulture, $"  bind 127.0.0.1:{balancer.Port}")
            .AppendLine("  default_backend replicas")
            .AppendLine("backend replicas")
            .AppendLine("  balance roundrobin")
            .AppendLine("  default-server inter 500ms fall 2 rise 1");
        for (var i = 0; i < backendPorts.Count; i++)
        {
            config.AppendLine(CultureInfo.InvariantCulture, $"  server replica{i} 127.0.0.1:{backendPorts[i]} check");
        }

        var file = Path.Combine(directory, "haproxy.cfg");
        await File.WriteAllTextAsync(file, config.ToString(), cancellationToken).ConfigureAwait(false);
        var process = new Process
        {
            StartInfo = new ProcessStartInfo(executable, ["-db", "-f", file])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            },
        };
        process.OutputDataReceived += (_, e) => balancer.Append(e.Data);
        process.ErrorDataReceived += (_, e) => balancer.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        balancer._process = process;
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                var failure = $"haproxy exited with code {process.ExitCode} on start: {balancer.Output.Trim()}";
                await balancer.DisposeAsync().ConfigureAwait(false);
                throw new InvalidOperationException(failure);
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, balancer.Port, cancellationToken).ConfigureAwait(false);
                return balancer;
            }
            catch (SocketException) when (deadline.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(20, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { } process)
        {
            _process = null;
            await ServiceProcess.TerminateAsync(process).ConfigureAwait(false);
            process.Dispose();
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
