using System.Collections.Concurrent;
using NetworkTwin.Analytics.Fronthaul;
using NetworkTwin.Analytics.Parsing;

namespace NetworkTwin.Telemetry.Files;

/// <summary>
/// Reads a capture folder (<c>throughput-cell-N.dat</c>, <c>pkt-stats-cell-N.dat</c>,
/// <c>throughput*.csv</c>, in the folder or below it) with the pipe parsers, several files at
/// once. A file that is rejected is reported and left out; the rest is still used.
/// </summary>
public static class FronthaulCaptureLoader
{
    /// <summary>The recognised files below <paramref name="folder"/>, and warnings about duplicates.</summary>
    public static IReadOnlyList<FronthaulFile> FindFiles(string folder, FronthaulLoadOptions options, List<string> warnings)
    {
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"Capture folder '{folder}' does not exist.");
        }

        var enumeration = new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = options.MaxDepth, IgnoreInaccessible = true };
        var files = new DirectoryInfo(folder).EnumerateFiles("*", enumeration)
            .Select(FronthaulFile.TryRecognise).OfType<FronthaulFile>()
            .OrderBy(f => f.Path, StringComparer.Ordinal).ToList();
        var kept = new List<FronthaulFile>();
        foreach (var group in files.GroupBy(f => (f.Kind, f.CellId)))
        {
            var first = group.First();
            kept.Add(first);
            foreach (var extra in group.Skip(1))
            {
                warnings.Add(first.Kind == FronthaulFileKind.SlotTable
                    ? $"{extra.Path}: ignored, only one per-slot table is used ({first.Path})."
                    : $"{extra.Path}: ignored, cell {extra.CellId} already has {first.Path}.");
            }
        }

        if (kept.Count == 0)
        {
            throw new InvalidDataException(
                $"No telemetry files in '{folder}': expected throughput-cell-N.dat, pkt-stats-cell-N.dat or throughput*.csv.");
        }

        return kept;
    }

    /// <summary>Reads every recognised file; <paramref name="bytesDone"/> receives the bytes read so far.</summary>
    public static async Task<LoadedCapture> LoadAsync(string folder, FronthaulLoadOptions options, IProgress<long>? bytesDone, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var rejected = new List<string>();
        var files = FindFiles(folder, options, rejected);
        var symbols = new ConcurrentBag<SymbolGrid>();
        var stats = new ConcurrentBag<PacketStatsSeries>();
        var rejections = new ConcurrentBag<string>();
        var samples = new ConcurrentQueue<MalformedLine>();
        SlotTable? table = null;
        long malformed = 0;
        long done = 0;

        // Largest first keeps both cores busy to the end.
        await Parallel.ForEachAsync(
            files.OrderByDescending(f => f.Bytes),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Parallelism), CancellationToken = cancellationToken },
            async (file, ct) =>
            {
                var source = Path.GetRelativePath(folder, file.Path);
                TelemetryTextParser parser = file.Kind switch
                {
                    FronthaulFileKind.Throughput => new ThroughputDatParser(file.CellId, source),
                    FronthaulFileKind.PacketStats => new PktStatsDatParser(file.CellId, source),
                    _ => new SlotCsvParser(source, options.SlotTableStartSeconds),
                };
                parser.OnMalformed = line =>
                {
                    if (samples.Count < options.MaxMalformedSamples)
                    {
                        samples.Enqueue(line);
                    }
                };
                try
                {
                    await TelemetryPipeReader.ReadFileAsync(file.Path, parser, ct).ConfigureAwait(false);
                    switch (parser)
                    {
                        case ThroughputDatParser t:
                            symbols.Add(t.ToGrid());
                            break;
                        case PktStatsDatParser p:
                            stats.Add(p.ToSeries());
                            break;
                        case SlotCsvParser s:
                            table = s.ToTable();
                            break;
                    }
                }
                catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
                {
                    rejections.Add(ex is InvalidDataException ? ex.Message : $"{source}: cannot be read: {ex.Message}");
                }
                finally
                {
                    Interlocked.Add(ref malformed, parser.MalformedLines);
                    var total = Interlocked.Add(ref done, file.Bytes);
                    bytesDone?.Report(total);
                }
            }).ConfigureAwait(false);

        rejected.AddRange(rejections.Order(StringComparer.Ordinal));
        var dataset = new FronthaulDataset([.. symbols.OrderBy(s => s.CellId)], [.. stats.OrderBy(s => s.CellId)], table, malformed);
        if (dataset.Symbols.Count == 0 && dataset.PacketStats.Count == 0 && dataset.Slots is null)
        {
            throw new InvalidDataException($"No usable telemetry in '{folder}': {string.Join(" ", rejected)}");
        }

        return new LoadedCapture(dataset, files, rejected, [.. samples.OrderBy(s => s.Source, StringComparer.Ordinal).ThenBy(s => s.LineNumber)], done);
    }
}
