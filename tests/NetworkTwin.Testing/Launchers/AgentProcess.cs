using System.Diagnostics;
using NetworkTwin.Contracts.Status;

namespace NetworkTwin.Testing.Launchers;

/// <summary>
/// A real agent process started by the demo and the benchmarks: configured through NETWORKTWIN_
/// environment variables, with its own data directory, stopped with SIGTERM like systemd does.
/// </summary>
public sealed class AgentProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _console;
    private bool _disposed;

    private AgentProcess(Process process, string dataDirectory, StreamWriter console)
    {
        _process = process;
        DataDirectory = dataDirectory;
        _console = console;
    }

    public string DataDirectory { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public string StatusPath => Path.Combine(DataDirectory, AgentStatusDocument.FileName);

    /// <summary>
    /// The agent to run: <paramref name="explicitPath"/>, else NETWORKTWIN_AGENT, else
    /// networktwin-agent(.dll) beside this CLI, else the Release build in the source tree.
    /// </summary>
    public static string Locate(string? explicitPath)
    {
        var candidates = new List<string?> { explicitPath, Environment.GetEnvironmentVariable("NETWORKTWIN_AGENT"), Path.Combine(AppContext.BaseDirectory, "networktwin-agent.dll") };
        if (SourceTree.Root() is { } root)
        {
            candidates.Add(Path.Combine(root, "agent", "NetworkTwin.Agent", "bin", "Release", "net10.0", "networktwin-agent.dll"));
            candidates.Add(Path.Combine(root, "agent", "NetworkTwin.Agent", "bin", "Debug", "net10.0", "networktwin-agent.dll"));
        }

        foreach (var candidate in candidates)
        {
            if (!string.IsNullOrEmpty(candidate) && File.Exists(candidate))
            {
                return Path.GetFullPath(candidate);
            }
        }

        throw new FileNotFoundException(
            explicitPath is not null
                ? $"The agent '{explicitPath}' does not exist."
                : "Cannot find the agent (networktwin-agent.dll): build it with ./build.sh, or pass --agent PATH.");
    }

    /// <param name="settings">Configuration keys ("Mqtt:Port") and values, passed as NETWORKTWIN_ variables.</param>
    public static AgentProcess Start(string agentPath, string dataDirectory, IReadOnlyDictionary<string, string> settings)
    {
        Directory.CreateDirectory(dataDirectory);
        File.Delete(Path.Combine(dataDirectory, AgentStatusDocument.FileName));
        var isDll = agentPath.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
        var info = new ProcessStartInfo(isDll ? "dotnet" : agentPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (isDll)
        {
            info.ArgumentList.Add(agentPath);
        }

        info.Environment["NETWORKTWIN_Agent__DataDirectory"] = dataDirectory;
        foreach (var (key, value) in settings)
        {
            info.Environment["NETWORKTWIN_" + key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var console = new StreamWriter(Path.Combine(dataDirectory, "console.log")) { AutoFlush = true };
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Write(console, e.Data);
        process.ErrorDataReceived += (_, e) => Write(console, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new AgentProcess(process, dataDirectory, console);
    }

    /// <summary>The latest status the agent wrote, or null before its first write.</summary>
    public Task<AgentStatusDocument?> TryReadStatusAsync(CancellationToken ct) => AgentStatusFile.TryReadAsync(DataDirectory, ct);

    /// <summary>Polls the status file until <paramref name="condition"/> holds; fails if the agent exits.</summary>
    public async Task<AgentStatusDocument> WaitForStatusAsync(Func<AgentStatusDocument, bool> condition, string what, TimeSpan timeout, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The agent exited with code {_process.ExitCode} while waiting for {what}; see {Path.Combine(DataDirectory, "console.log")}.");
            }

            var status = await TryReadStatusAsync(ct).ConfigureAwait(false);
            if (status is not null && condition(status))
            {
                return status;
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"The agent did not reach '{what}' within {timeout.TotalSeconds:0} s; see {DataDirectory}.");
            }

            await Task.Delay(100, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Resident and peak resident memory of the agent process (Linux /proc), in bytes.</summary>
    public (long Rss, long Peak) Memory()
    {
        var path = $"/proc/{_process.Id}/status";
        if (!File.Exists(path))
        {
            return (0, 0);
        }

        long rss = 0, peak = 0;
        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = Kilobytes(line) * 1024;
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = Kilobytes(line) * 1024;
            }
        }

        return (rss, peak);

        static long Kilobytes(string line) => long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Kills the agent at once (SIGKILL): a crash, as kill -9 is.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }
    }

    /// <summary>SIGTERM (what systemd sends), then a kill after 10 s. Safe to call more than once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_process.HasExited)
        {
            if (OperatingSystem.IsWindows())
            {
                _process.Kill();
            }
            else
            {
                using var term = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false });
                if (term is not null)
                {
                    await term.WaitForExitAsync().ConfigureAwait(false);
                }
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
        lock (_console)
        {
            _console.Dispose();
        }
    }

    private static void Write(StreamWriter writer, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (writer)
        {
            try
            {
                writer.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // Output after the agent was stopped.
            }
        }
    }
}
