using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using NetworkTwin.Console.Cli;

namespace NetworkTwin.Console.Lab.Validation;

/// <summary>What one ns-3 run of a switch egress port measured (the program's JSON line).</summary>
internal sealed record Ns3QueueResult(
    double RateBps,
    long BufferBytes,
    long OfferedPackets,
    long OfferedBytes,
    long DroppedPackets,
    long DroppedBytes,
    long MaxQueueBytes,
    double Loss,
    double SimulatedSeconds,
    double WallSeconds);

/// <summary>
/// One of the repository's ns-3 programs (tools/NetworkTwin.Ns3, C++ against Debian's libns3-dev, built by
/// <c>./build.sh ns3</c> or <c>./build.sh test</c>): found, run, and its JSON line read.
/// </summary>
internal sealed class Ns3Program(string path)
{
    /// <summary>The fronthaul switch port: a point-to-point device at the link rate whose drop-tail queue holds the buffer's bytes, fed an arrivals file.</summary>
    public const string FronthaulQueue = "fronthaul-queue";

    /// <summary>The backbone: the twin's ECMP next hops, a drop-tail queue per link direction, a Poisson stream per demand.</summary>
    public const string BackboneEcmp = "backbone-ecmp";

    /// <summary>Environment variable naming the folder of the programs when they are not under the repository.</summary>
    public const string EnvironmentVariable = "NETWORKTWIN_NS3_BIN";

    private static readonly JsonSerializerOptions ResultJson = new() { PropertyNameCaseInsensitive = true };

    public string Path { get; } = path;

    /// <summary>
    /// The program <paramref name="given"/>, else <paramref name="fileName"/> in the folder <see cref="EnvironmentVariable"/>
    /// names, else in tools/NetworkTwin.Ns3/bin of the repository above the current folder or the CLI's own; a usage
    /// error that says how to build it when there is none.
    /// </summary>
    public static Ns3Program Locate(string fileName, string? given)
    {
        var candidates = new List<string>();
        if (!string.IsNullOrWhiteSpace(given))
        {
            candidates.Add(System.IO.Path.GetFullPath(given));
        }
        else
        {
            if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } folder)
            {
                candidates.Add(System.IO.Path.Combine(System.IO.Path.GetFullPath(folder), fileName));
            }

            foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
            {
                for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                {
                    candidates.Add(System.IO.Path.Combine(dir.FullName, "tools", "NetworkTwin.Ns3", "bin", fileName));
                }
            }
        }

        var found = candidates.FirstOrDefault(File.Exists);
        return found is not null
            ? new Ns3Program(found)
            : throw new CliUsageException(
                $"ns-3's {fileName} program was not found ({(string.IsNullOrWhiteSpace(given) ? $"looked for tools/NetworkTwin.Ns3/bin/{fileName} above {Environment.CurrentDirectory} and {AppContext.BaseDirectory}, and in ${EnvironmentVariable}" : given)}). " +
                "Build it with ./build.sh ns3 (it installs Debian's libns3-dev and compiles tools/NetworkTwin.Ns3), or pass --ns3-program.");
    }

    /// <summary>The fronthaul queue: the arrivals through a port of <paramref name="rateBps"/> with a queue of <paramref name="bufferBytes"/>.</summary>
    public Task<Ns3QueueResult> QueueAsync(string arrivalsFile, double rateBps, long bufferBytes, CancellationToken ct) =>
        RunAsync<Ns3QueueResult>(
            [
                $"--arrivals={arrivalsFile}",
                string.Create(CultureInfo.InvariantCulture, $"--rate-bps={rateBps:0}"),
                string.Create(CultureInfo.InvariantCulture, $"--buffer-bytes={Math.Max(1, bufferBytes)}"),
            ],
            ct);

    /// <summary>Runs the program and reads the JSON line it prints; its own complaint (stderr) when it fails.</summary>
    public async Task<T> RunAsync<T>(IEnumerable<string> arguments, CancellationToken ct)
    {
        var start = new ProcessStartInfo(Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{Path} did not start");
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var errors = process.StandardError.ReadToEndAsync(ct);
        try
        {
            await process.WaitForExitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var text = await output.ConfigureAwait(false);
        var stderr = await errors.ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidDataException($"{Path} failed (exit {process.ExitCode}): {stderr.Trim()}");
        }

        return JsonSerializer.Deserialize<T>(text, ResultJson) ?? throw new InvalidDataException($"{Path} printed no result: {text.Trim()}");
    }
}
