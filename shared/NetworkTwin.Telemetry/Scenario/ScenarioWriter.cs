using System.Globalization;
using System.Text.Json;
using NetworkTwin.Analytics.Fronthaul;
using NetworkTwin.Analytics.Scenario;

namespace NetworkTwin.Telemetry.Scenario;

/// <summary>
/// Writes a generated capture in the real file formats, quirks included: throughput rows partly
/// out of order and with repeated zero rows, pkt-stats with the real five-name header over four
/// columns, plus <c>truth.json</c> with what the analysis should find.
/// </summary>
public static class ScenarioWriter
{
    public const string TruthFileName = "truth.json";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static async Task WriteAsync(GeneratedScenario scenario, string folder, IProgress<int>? cellsDone, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        Directory.CreateDirectory(folder);
        var done = 0;
        await Parallel.ForEachAsync(
            scenario.Symbols.Zip(scenario.PacketStats),
            new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount },
            async (cell, ct) =>
            {
                await WriteThroughputAsync(cell.First, Path.Combine(folder, $"throughput-cell-{cell.First.CellId}.dat"), ct).ConfigureAwait(false);
                await WritePacketStatsAsync(cell.Second, Path.Combine(folder, $"pkt-stats-cell-{cell.Second.CellId}.dat"), ct).ConfigureAwait(false);
                cellsDone?.Report(Interlocked.Increment(ref done));
            }).ConfigureAwait(false);

        var truth = JsonSerializer.Serialize(scenario.Truth, Json);
        await File.WriteAllTextAsync(Path.Combine(folder, TruthFileName), truth, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads back the truth written beside a generated capture.</summary>
    public static ScenarioTruth? ReadTruth(string folder)
    {
        var path = Path.Combine(folder, TruthFileName);
        return File.Exists(path)
            ? JsonSerializer.Deserialize<ScenarioTruth>(File.ReadAllText(path), Json)
            : null;
    }

    private static async Task WriteThroughputAsync(SymbolGrid grid, string path, CancellationToken ct)
    {
        var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
        await using (file.ConfigureAwait(false))
        {
            var buffer = new byte[1 << 16];
            var used = 0;
            var slots = grid.Kbit.Length / SymbolGrid.SymbolsPerSlot;
            for (var s = 0; s < slots; s++)
            {
                // Some slots are written backwards and some repeat a timestamp with 0 kbit, as the real logs do.
                var reversed = s % 50 == 7;
                for (var k = 0; k < SymbolGrid.SymbolsPerSlot; k++)
                {
                    var i = (s * SymbolGrid.SymbolsPerSlot) + (reversed ? SymbolGrid.SymbolsPerSlot - 1 - k : k);
                    var time = (grid.FirstSymbol + i) * SymbolGrid.SymbolSeconds;
                    used += FormatRow(buffer.AsSpan(used), time, grid.Kbit[i]);
                    if (s % 97 == 3 && k == 0)
                    {
                        used += FormatRow(buffer.AsSpan(used), time, 0);
                    }
                }

                if (used > buffer.Length - 1024)
                {
                    await file.WriteAsync(buffer.AsMemory(0, used), ct).ConfigureAwait(false);
                    used = 0;
                }
            }

            await file.WriteAsync(buffer.AsMemory(0, used), ct).ConfigureAwait(false);
        }
    }

    private static async Task WritePacketStatsAsync(PacketStatsSeries stats, string path, CancellationToken ct)
    {
        var writer = new StreamWriter(path, append: false, new System.Text.UTF8Encoding(false), 1 << 16);
        await using (writer.ConfigureAwait(false))
        {
            await writer.WriteLineAsync("<slot> <slotStart> <txPackets> <rxPackets> <tooLateRxPackets>".AsMemory(), ct).ConfigureAwait(false);
            var line = new System.Text.StringBuilder(64);
            for (var i = 0; i < stats.TimesSeconds.Length; i++)
            {
                line.Clear();
                line.Append(stats.TimesSeconds[i].ToString("0.#####", CultureInfo.InvariantCulture)).Append(' ')
                    .Append(stats.TxPackets[i]).Append(' ').Append(stats.RxPackets[i]).Append(' ').Append(stats.TooLatePackets[i]);
                await writer.WriteLineAsync(line, ct).ConfigureAwait(false);
            }
        }
    }

    private static int FormatRow(Span<byte> destination, double time, double kbit)
    {
        var used = FormatTrimmed(destination, time, "F8");
        destination[used++] = (byte)' ';
        used += FormatTrimmed(destination[used..], kbit, "F3");
        destination[used++] = (byte)'\n';
        return used;
    }

    private static int FormatTrimmed(Span<byte> destination, double value, string format)
    {
        if (!value.TryFormat(destination, out var written, format, CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException("Row buffer too small.");
        }

        while (written > 1 && destination[written - 1] == (byte)'0')
        {
            written--;
        }

        if (destination[written - 1] == (byte)'.')
        {
            written--;
        }

        return written;
    }
}
