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
/// The ns-3 program of the repository (tools/NetworkTwin.Ns3/fronthaul-queue.cc, built against Debian's libns3-dev
/// by <c>./build.sh ns3</c> or <c>./build.sh test</c>): a point-to-point device at the link rate whose drop-tail
/// queue holds the buffer's bytes, fed the arrivals file.
/// </summary>
internal sealed class Ns3QueueProgram(string path)
{
    /// <summary>The program's file name under tools/NetworkTwin.Ns3/bin.</summary>
    public const string FileName = "fronthaul-queue";

    /// <summary>Environment variable that names the program when it is not under the repository.</summary>
    public const string EnvironmentVariable = "NETWORKTWIN_NS3_PROGRAM";

    private static readonly JsonSerializerOptions ResultJson = new() { PropertyNameCaseInsensitive = true };

    public string Path { get; } = path;

    /// <summary>
    /// The program given, else the one <see cref="EnvironmentVariable"/> names, else tools/NetworkTwin.Ns3/bin in the
    /// repository above the current folder or the CLI's own; a usage error that says how to build it when none exists.
    /// </summary>
    public static Ns3QueueProgram Locate(string? given)
    {
        var candidates = new List<string>();
        if (!string.IsNullOrWhiteSpace(given))
        {
            candidates.Add(System.IO.Path.GetFullPath(given));
        }
        else
        {
            if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } named)
            {
                candidates.Add(System.IO.Path.GetFullPath(named));
            }

            foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
            {
                for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                {
                    candidates.Add(System.IO.Path.Combine(dir.FullName, "tools", "NetworkTwin.Ns3", "bin", FileName));
                }
            }
        }

        var found = candidates.FirstOrDefault(File.Exists);
        return found is not null
            ? new Ns3QueueProgram(found)
            : throw new CliUsageException(
                $"ns-3's {FileName} program was not found ({(string.IsNullOrWhiteSpace(given) ? $"looked for tools/NetworkTwin.Ns3/bin/{FileName} above {Environment.CurrentDirectory} and {AppContext.BaseDirectory}, and ${EnvironmentVariable}" : given)}). " +
                "Build it with ./build.sh ns3 (it installs Debian's libns3-dev and compiles tools/NetworkTwin.Ns3), or pass --ns3-program.");
    }

    /// <summary>One run: the arrivals through a port of <paramref name="rateBps"/> with a queue of <paramref name="bufferBytes"/>.</summary>
    public async Task<Ns3QueueResult> RunAsync(string arrivalsFile, double rateBps, long bufferBytes, CancellationToken ct)
    {
        var start = new ProcessStartInfo(Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add($"--arrivals={arrivalsFile}");
        start.ArgumentList.Add(string.Create(CultureInfo.InvariantCulture, $"--rate-bps={rateBps:0}"));
        start.ArgumentList.Add(string.Create(CultureInfo.InvariantCulture, $"--buffer-bytes={Math.Max(1, bufferBytes)}"));
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

        return JsonSerializer.Deserialize<Ns3QueueResult>(text, ResultJson)
            ?? throw new InvalidDataException($"{Path} printed no result: {text.Trim()}");
    }
}
