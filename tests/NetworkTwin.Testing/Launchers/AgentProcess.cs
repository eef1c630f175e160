using System.Diagnostics;
using NetworkTwin.Contracts.Status;

namespace NetworkTwin.Testing.Launchers;

/// <summary>
/// A real agent process started by the demo and the benchmarks: configured through NETWORKTWIN_
/// environment variables, with its own data directory, stopped with SIGTERM like systemd does.
/// </summary>
public sealed class AgentProcess : IAsyncDisposable
{
    private readonly ServiceProcess _process;

    private AgentProcess(ServiceProcess process, string dataDirectory)
    {
        _process = process;
        DataDirectory = dataDirectory;
    }

    public string DataDirectory { get; }

    public int ProcessId => _process.ProcessId;

    public bool HasExited => _process.HasExited;

    public string StatusPath => Path.Combine(DataDirectory, AgentStatusDocument.FileName);

    /// <summary>
    /// The agent to run: <paramref name="explicitPath"/>, else NETWORKTWIN_AGENT, else
    /// networktwin-agent(.dll) beside this CLI, else the Release build in the source tree.
    /// </summary>
    public static string Locate(string? explicitPath) =>
        ServiceProcess.Locate("networktwin-agent.dll", Path.Combine("agent", "NetworkTwin.Agent"), "NETWORKTWIN_AGENT", explicitPath);

    /// <summary>Which build of the agent <paramref name="agentPath"/> is, as the demo and the benchmarks print it.</summary>
    public static string BuildOf(string agentPath) =>
        ServiceProcess.RunsOnDotnet(agentPath) ? "JIT build"
        : Arm64Emulation.Needs(agentPath) ? "arm64 native build (Native AOT), emulated by qemu-aarch64: memory is the arm64 process' own pages, times are the emulator's"
        : "native build (Native AOT, as the Linux packages ship it)";

    /// <summary>True when the agent is an arm64 executable run under qemu-aarch64.</summary>
    public bool Emulated => _process.Emulated;

    /// <param name="settings">Configuration keys ("Mqtt:Port") and values, passed as NETWORKTWIN_ variables.</param>
    /// <param name="environment">Other variables as they are (LD_PRELOAD and FAKETIME for a stepped clock).</param>
    public static AgentProcess Start(string agentPath, string dataDirectory, IReadOnlyDictionary<string, string> settings, IReadOnlyDictionary<string, string>? environment = null)
    {
        Directory.CreateDirectory(dataDirectory);
        File.Delete(Path.Combine(dataDirectory, AgentStatusDocument.FileName));
        var all = new Dictionary<string, string>(settings) { ["Agent:DataDirectory"] = dataDirectory };
        return new AgentProcess(ServiceProcess.Start(agentPath, Path.Combine(dataDirectory, "console.log"), all, environment), dataDirectory);
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
                throw new InvalidOperationException($"The agent exited with code {_process.ExitCode} while waiting for {what}; see {_process.ConsolePath}.");
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
    public (long Rss, long Peak) Memory() => _process.Memory();

    /// <summary>Kills the agent at once (SIGKILL): a crash, as kill -9 is.</summary>
    public Task KillAsync() => _process.KillAsync();

    /// <summary>SIGTERM (what systemd sends), then a kill after 10 s. Safe to call more than once.</summary>
    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
