using System.Diagnostics;
using System.Globalization;

namespace NetworkTwin.Testing.Launchers;

/// <summary>
/// One of the product's services (networktwin-agent, networktwin-central) as a real process, for the demo, the
/// benchmarks and the soak: configured through NETWORKTWIN_ environment variables, its console kept in a file,
/// stopped with SIGTERM as systemd stops it, or killed as a crash is.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _console;

    /// <summary>The arm64 executable qemu-aarch64 runs, or null when the service runs natively or on dotnet.</summary>
    private readonly string? _emulated;
    private bool _disposed;
    private long _guestPeak;

    private ServiceProcess(Process process, StreamWriter console, string consolePath, string? emulated)
    {
        _process = process;
        _console = console;
        ConsolePath = consolePath;
        _emulated = emulated;
    }

    /// <summary>True when the service is an arm64 executable run under qemu-aarch64 (<see cref="Arm64Emulation"/>).</summary>
    public bool Emulated => _emulated is not null;

    public int ProcessId => _process.Id;

    /// <summary>True once the process is gone, or stopped through <see cref="DisposeAsync"/>.</summary>
    public bool HasExited => _disposed || _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Where the service's console output goes.</summary>
    public string ConsolePath { get; }

    /// <summary>
    /// The service binary: <paramref name="explicitPath"/>, else the variable <paramref name="variable"/>, else
    /// <paramref name="fileName"/> beside this program, else the Release (then Debug) build of <paramref name="project"/>
    /// in the source tree.
    /// </summary>
    public static string Locate(string fileName, string project, string variable, string? explicitPath)
    {
        // A path the user named is that one or none: falling back to another build would run what they did not ask for.
        if (!string.IsNullOrEmpty(explicitPath) && !File.Exists(explicitPath))
        {
            throw new FileNotFoundException($"'{explicitPath}' does not exist.", explicitPath);
        }

        var candidates = new List<string?> { explicitPath, Environment.GetEnvironmentVariable(variable), Path.Combine(AppContext.BaseDirectory, fileName) };
        if (SourceTree.Root() is { } root)
        {
            candidates.Add(Path.Combine(root, project, "bin", "Release", "net10.0", fileName));
            candidates.Add(Path.Combine(root, project, "bin", "Debug", "net10.0", fileName));
        }

        return candidates.FirstOrDefault(c => !string.IsNullOrEmpty(c) && File.Exists(c)) is { } found
            ? Path.GetFullPath(found)
            : throw new FileNotFoundException($"Cannot find {fileName}: build it with ./build.sh, or set {variable}.");
    }

    /// <summary>Whether <paramref name="path"/> is an assembly that <c>dotnet</c> runs (a JIT build), not a native executable.</summary>
    public static bool RunsOnDotnet(string path) => path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);

    /// <param name="settings">Configuration keys ("Mqtt:Port") and values, passed as NETWORKTWIN_ variables.</param>
    /// <param name="environment">Other variables as they are (LD_PRELOAD, FAKETIME).</param>
    public static ServiceProcess Start(string path, string consolePath, IReadOnlyDictionary<string, string> settings, IReadOnlyDictionary<string, string>? environment = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(consolePath))!);
        var isDll = RunsOnDotnet(path);
        var emulated = !isDll && Arm64Emulation.Needs(path);
        var (fileName, arguments) = isDll ? ("dotnet", [path]) : emulated ? Arm64Emulation.Command(path) : (path, []);
        var info = new ProcessStartInfo(fileName, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        foreach (var (key, value) in settings)
        {
            info.Environment["NETWORKTWIN_" + key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var console = new StreamWriter(consolePath, append: true) { AutoFlush = true };
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Write(console, e.Data);
        process.ErrorDataReceived += (_, e) => Write(console, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ServiceProcess(process, console, consolePath, emulated ? Path.GetFullPath(path) : null);
    }

    /// <summary>
    /// Resident and peak resident memory of the process (Linux /proc), in bytes; zeros once it is gone. Under emulation,
    /// the guest's own pages, and as peak the largest of the calls so far (the kernel's peak counts the emulator too).
    /// </summary>
    public (long Rss, long Peak) Memory()
    {
        if (HasExited)
        {
            return (0, 0);
        }

        long rss = 0, peak = 0;
        try
        {
            if (_emulated is not null)
            {
                rss = Arm64Emulation.GuestResident(_process.Id, _emulated);
                _guestPeak = Math.Max(_guestPeak, rss);
                return (rss, _guestPeak);
            }

            foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
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
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (0, 0);
        }

        return (rss, peak);

        static long Kilobytes(string line) => long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }

    /// <summary>Kills the process at once (SIGKILL): a crash, as kill -9 is.</summary>
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
        await TerminateAsync(_process).ConfigureAwait(false);
        _process.Dispose();
        lock (_console)
        {
            _console.Dispose();
        }
    }

    /// <summary>SIGTERM, as systemd stops a service, then a kill when it is still there after 10 s.</summary>
    internal static async Task TerminateAsync(Process process)
    {
        if (process.HasExited)
        {
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            process.Kill();
        }
        else
        {
            using var term = Process.Start(new ProcessStartInfo("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false });
            if (term is not null)
            {
                await term.WaitForExitAsync().ConfigureAwait(false);
            }
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().ConfigureAwait(false);
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
                // Output after the process was stopped.
            }
            catch (IOException)
            {
                // The console file's disk is full (the soak fills it on purpose): the line is lost, the run goes on.
            }
        }
    }
}
