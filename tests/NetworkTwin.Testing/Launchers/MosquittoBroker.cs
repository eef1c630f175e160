using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace NetworkTwin.Testing.Launchers;

/// <summary>
/// A real mosquitto process on a loopback port: writes a config, starts the broker, waits for the
/// port, and stops it by PID. Used by the demo, the benchmarks and the integration tests; in
/// production the broker is the site's own.
/// </summary>
public sealed class MosquittoBroker : IAsyncDisposable
{
    private readonly MosquittoBrokerOptions _options;
    private readonly bool _ownsDirectory;
    private readonly StringBuilder _output = new();
    private Process? _process;

    private MosquittoBroker(MosquittoBrokerOptions options, string directory, bool ownsDirectory, int port)
    {
        _options = options;
        Directory = directory;
        _ownsDirectory = ownsDirectory;
        Port = port;
    }

    public int Port { get; }

    public string Directory { get; }

    public int? ProcessId => _process?.Id;

    /// <summary>What mosquitto printed (its log goes to stdout).</summary>
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

    /// <summary>The mosquitto executable, or null when it is not installed.</summary>
    public static string? FindExecutable() =>
        Executables.OnPath("mosquitto").Append("/usr/sbin/mosquitto").Append("/usr/local/sbin/mosquitto").FirstOrDefault(File.Exists);

    public static async Task<MosquittoBroker> StartAsync(MosquittoBrokerOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new MosquittoBrokerOptions();
        var owns = options.Directory is null;
        var directory = options.Directory ?? System.IO.Directory.CreateTempSubdirectory("nt-mosquitto-").FullName;
        System.IO.Directory.CreateDirectory(directory);
        var port = options.Port == 0 ? LoopbackPort.Free() : options.Port;
        var broker = new MosquittoBroker(options, directory, owns, port);
        try
        {
            broker.WriteConfig();
            await broker.StartProcessAsync(cancellationToken).ConfigureAwait(false);
            return broker;
        }
        catch
        {
            await broker.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Stops the broker: SIGTERM lets it save its database; <paramref name="kill"/> is a crash.</summary>
    public async Task StopAsync(bool kill = false)
    {
        if (_process is not { } process)
        {
            return;
        }

        _process = null;
        if (kill && !process.HasExited)
        {
            process.Kill();
            await process.WaitForExitAsync().ConfigureAwait(false);
        }

        // SIGTERM lets it save its database.
        await ServiceProcess.TerminateAsync(process).ConfigureAwait(false);
        process.Dispose();
    }

    /// <summary>Starts the broker again on the same port and folder (after <see cref="StopAsync"/>).</summary>
    public Task RestartAsync(CancellationToken cancellationToken = default) => StartProcessAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        if (_ownsDirectory)
        {
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (IOException)
            {
                // A temp folder left behind is harmless.
            }
        }
    }

    private void WriteConfig()
    {
        var config = new StringBuilder()
            .AppendLine($"listener {Port} 127.0.0.1")
            // Without it a receive-only client waits on delayed ACKs (~4.5 ms per small message here).
            .AppendLine("set_tcp_nodelay true")
            // The default of 1000 drops QoS 1 messages for a slow or reconnecting subscriber.
            .AppendLine("max_queued_messages 1000000")
            .AppendLine("max_inflight_messages 0")
            .AppendLine("log_dest stdout")
            .AppendLine("log_type error")
            .AppendLine("log_type warning")
            .AppendLine("log_type notice")
            // Keep the privileges of whoever starts it, so it can read the temp folder (no effect when not root).
            .AppendLine("user root");
        if (_options.Persistence)
        {
            config.AppendLine("persistence true").AppendLine($"persistence_location {Directory}/").AppendLine("autosave_interval 1");
        }
        else
        {
            config.AppendLine("persistence false");
        }

        if (_options.Users is { Count: > 0 } users)
        {
            var passwordFile = Path.Combine(Directory, "passwords");
            File.WriteAllText(passwordFile, string.Empty);
            foreach (var (user, password) in users)
            {
                RunTool("mosquitto_passwd", "-b", passwordFile, user, password);
            }

            config.AppendLine("allow_anonymous false").AppendLine($"password_file {passwordFile}");
        }
        else
        {
            config.AppendLine("allow_anonymous true");
        }

        if (_options.TlsCertificateFile is not null)
        {
            config.AppendLine($"certfile {_options.TlsCertificateFile}").AppendLine($"keyfile {_options.TlsKeyFile}");
            if (_options.RequireClientCertificateCaFile is not null)
            {
                config.AppendLine($"cafile {_options.RequireClientCertificateCaFile}").AppendLine("require_certificate true");
            }
        }

        File.WriteAllText(Path.Combine(Directory, "mosquitto.conf"), config.ToString());
    }

    private async Task StartProcessAsync(CancellationToken cancellationToken)
    {
        var executable = FindExecutable()
            ?? throw new FileNotFoundException("mosquitto is not installed (Debian: apt-get install mosquitto); ./build.sh installs it.");
        var info = new ProcessStartInfo(executable, ["-c", Path.Combine(Directory, "mosquitto.conf")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"mosquitto exited with code {process.ExitCode} on start: {Output.Trim()}");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (SocketException) when (deadline.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(20, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private static void RunTool(string tool, params string[] args)
    {
        var dir = Path.GetDirectoryName(FindExecutable()) ?? "/usr/bin";
        var path = File.Exists(Path.Combine("/usr/bin", tool)) ? Path.Combine("/usr/bin", tool) : Path.Combine(dir, tool);
        using var process = Process.Start(new ProcessStartInfo(path, args) { UseShellExecute = false, RedirectStandardError = true })
            ?? throw new InvalidOperationException($"cannot start {tool}");
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} failed: {process.StandardError.ReadToEnd()}");
        }
    }
}
