using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using NetworkTwin.Analytics.Fronthaul;
using NetworkTwin.Analytics.Parsing;
using nietras.SeparatedValues;
using Spectre.Console;
using static System.FormattableString;

namespace NetworkTwin.Lab.Bench;

/// <summary>
/// The parse rate on the real capture's pkt-stats files next to numpy's <c>loadtxt</c> on the same files, in the same
/// run: the product from memory on one core, numpy from the (cached) files, both checked to read the same numbers.
/// </summary>
internal static class RealParseBench
{
    public static async Task AddAsync(Table table, IAnsiConsole console, string folder, int runs, CancellationToken ct)
    {
        var files = Directory.Exists(Path.Combine(folder, "pkt-stats"))
            ? Directory.GetFiles(Path.Combine(folder, "pkt-stats"), "pkt-stats-cell-*.dat").Order(StringComparer.Ordinal).ToArray()
            : [];
        if (files.Length == 0)
        {
            console.MarkupLine($"[yellow]real pkt-stats parse skipped:[/] no pkt-stats-cell-*.dat under {Markup.Escape(folder)}/pkt-stats");
            return;
        }

        var contents = new byte[files.Length][];
        for (var i = 0; i < files.Length; i++)
        {
            contents[i] = await File.ReadAllBytesAsync(files[i], ct).ConfigureAwait(false);
        }

        var bytes = contents.Sum(c => (long)c.Length);
        var (passes, parsed) = TimePasses(runs, () => ParseAll(files, contents));
        var ours = Sum(parsed);
        var median = passes[passes.Count / 2].Seconds;
        var best = passes[0].Seconds;
        var label = Invariant($"pkt-stats .dat parse, the real capture ({files.Length} files, {bytes / 1e6:0.0} MB, {ours.Rows:N0} rows), 1 core");
        table.AddRow(label, Invariant($"{bytes / 1e6 / median:0} MB/s"), Invariant($"{bytes / 1e6 / best:0} MB/s"), ">= 500 MB/s");
        AddFaultRows(table, bytes, passes);

        // The well-kept SIMD CSV reader on the same bytes into the same columns: what a library gives for this job.
        var (sepPasses, sepParsed) = TimePasses(runs, () => SepParseAll(contents));
        table.AddRow(
            Invariant($"Sep {SepVersion()} (SIMD CSV reader), the same bytes into the same columns, 1 core"),
            Invariant($"{bytes / 1e6 / sepPasses[sepPasses.Count / 2].Seconds:0} MB/s"),
            Invariant($"{bytes / 1e6 / sepPasses[0].Seconds:0} MB/s"),
            Same(Sum(sepParsed), ours) ? "- (same numbers)" : "[red]numbers differ[/]");

        var numpy = await NumpyAsync(console, files, Math.Min(runs, 3), ct).ConfigureAwait(false);
        if (numpy is null)
        {
            return;
        }

        numpy.Seconds.Sort();
        var numpyMedian = numpy.Seconds[numpy.Seconds.Count / 2];
        table.AddRow(
            Invariant($"numpy {numpy.Version} loadtxt, the same files, same run"),
            Invariant($"{bytes / 1e6 / numpyMedian:0} MB/s"),
            Invariant($"{bytes / 1e6 / numpy.Seconds[0]:0} MB/s"),
            "-");
        table.AddRow("  parse rate over numpy's (medians)", Invariant($"{numpyMedian / median:0.0}x"), Invariant($"{numpy.Seconds[0] / best:0.0}x"), ">= 3x");
        var same = Same(new Sums { Rows = numpy.Rows, Time = numpy.Sums[0], Tx = numpy.Sums[1], Rx = numpy.Sums[2], Late = numpy.Sums[3] }, ours);
        table.AddRow(
            "  numbers read (rows, sum of each column)",
            same ? Invariant($"identical ({ours.Rows:N0} rows)") : Invariant($"[red]differ[/]: ours {ours.Rows} rows, numpy {numpy.Rows}"),
            string.Empty,
            "identical");
    }

    /// <summary>
    /// Where the passes' spread comes from: the series are new arrays each pass, and a pass whose arrays land on memory
    /// the process has not touched yet pays a page fault per page (4 KiB here; on this kind of virtual machine about as much
    /// as parsing the page). The rate of the passes that touched no new memory is the parse's own.
    /// </summary>
    private static void AddFaultRows(Table table, long bytes, List<Pass> passes)
    {
        if (passes.Any(p => p.Faults is null))
        {
            return;
        }

        var median = passes[passes.Count / 2].Faults;
        table.AddRow(
            "  page faults a pass (first touch of new memory), median pass / best",
            Invariant($"{median:N0} ({median * Environment.SystemPageSize / 1e6:0} MB)"),
            Invariant($"{passes[0].Faults:N0}"),
            "-");
        var untouched = passes.Where(p => p.Faults == 0).ToList();
        table.AddRow(
            "  the passes that touched no new memory",
            untouched.Count == 0 ? "none" : Invariant($"{bytes / 1e6 / untouched[untouched.Count / 2].Seconds:0} MB/s ({untouched.Count} of {passes.Count} passes)"),
            untouched.Count == 0 ? string.Empty : Invariant($"{bytes / 1e6 / untouched[0].Seconds:0} MB/s"),
            ">= 500 MB/s");
    }

    /// <summary>A timed pass: its seconds, and the page faults it took (null off Linux).</summary>
    private readonly record struct Pass(double Seconds, long? Faults);

    /// <summary>One warm-up pass, then <paramref name="runs"/> timed ones; the timed passes fastest first, and the last pass's series.</summary>
    private static (List<Pass> Passes, PacketStatsSeries[] Last) TimePasses(int runs, Func<PacketStatsSeries[]> parse)
    {
        var passes = new List<Pass>();
        PacketStatsSeries[] last = [];
        for (var attempt = 0; attempt <= runs; attempt++)
        {
            // The last pass's series go out of reach and are collected before the next is timed: each pass pays for its
            // own memory, not for the garbage of the one before.
            last = [];
            BenchRuns.CollectBeforeTimedRun();
            var faults = ProcessUsage.MinorFaults();
            var sw = Stopwatch.StartNew();
            last = parse();
            if (attempt > 0)
            {
                passes.Add(new Pass(sw.Elapsed.TotalSeconds, ProcessUsage.MinorFaults() - faults));
            }
        }

        passes.Sort((a, b) => a.Seconds.CompareTo(b.Seconds));
        return (passes, last);
    }

    private static PacketStatsSeries[] ParseAll(string[] files, byte[][] contents)
    {
        var series = new PacketStatsSeries[files.Length];
        for (var i = 0; i < files.Length; i++)
        {
            var parser = new PktStatsDatParser(i + 1, files[i]);
            var seq = new ReadOnlySequence<byte>(contents[i]);
            parser.Parse(ref seq, isFinalBlock: true);
            parser.Complete();
            series[i] = parser.ToSeries();
        }

        return series;
    }

    /// <summary>Sep with the files' shape: space-separated, a header of another width, no quoting.</summary>
    private static PacketStatsSeries[] SepParseAll(byte[][] contents)
    {
        var series = new PacketStatsSeries[contents.Length];
        for (var i = 0; i < contents.Length; i++)
        {
            using var reader = Sep.New(' ').Reader(o => o with
            {
                HasHeader = true,
                DisableQuotesParsing = true,
                DisableColCountCheck = true,
                CultureInfo = CultureInfo.InvariantCulture,
            }).From(contents[i]);
            var times = new List<double>(1 << 17);
            var tx = new List<int>(1 << 17);
            var rx = new List<int>(1 << 17);
            var late = new List<int>(1 << 17);
            foreach (var row in reader)
            {
                times.Add(row[0].Parse<double>());
                tx.Add(row[1].Parse<int>());
                rx.Add(row[2].Parse<int>());
                late.Add(row[3].Parse<int>());
            }

            series[i] = new PacketStatsSeries(i + 1, [.. times], [.. tx], [.. rx], [.. late]);
        }

        return series;
    }

    private static string SepVersion() =>
        typeof(Sep).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "?";

    private static bool Same(Sums a, Sums b) => a.Rows == b.Rows && Close(a.Time, b.Time) && Close(a.Tx, b.Tx) && Close(a.Rx, b.Rx) && Close(a.Late, b.Late);

    private static Sums Sum(PacketStatsSeries[] parsed)
    {
        var sums = new Sums();
        foreach (var series in parsed)
        {
            sums.Rows += series.Count;
            for (var r = 0; r < series.Count; r++)
            {
                sums.Time += series.TimesSeconds[r];
                sums.Tx += series.TxPackets[r];
                sums.Rx += series.RxPackets[r];
                sums.Late += series.TooLatePackets[r];
            }
        }

        return sums;
    }

    private static bool Close(double a, double b) => Math.Abs(a - b) <= 1e-9 * Math.Max(1, Math.Abs(a));

    private static async Task<NumpyRun?> NumpyAsync(IAnsiConsole console, string[] files, int runs, CancellationToken ct)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Bench", "numpy_loadtxt.py");
        var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        var info = new ProcessStartInfo(python, [script, runs.ToString(CultureInfo.InvariantCulture), .. files])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        try
        {
            using var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start python3");
            var output = process.StandardOutput.ReadToEndAsync(ct);
            var error = process.StandardError.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct).ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                console.MarkupLine($"[yellow]numpy comparison skipped:[/] {Markup.Escape((await error.ConfigureAwait(false)).Trim().Split('\n')[^1])} (Debian: apt-get install python3-numpy)");
                return null;
            }

            using var doc = JsonDocument.Parse(await output.ConfigureAwait(false));
            var root = doc.RootElement;
            return new NumpyRun(
                root.GetProperty("numpy").GetString() ?? "?",
                root.GetProperty("seconds").EnumerateArray().Select(s => s.GetDouble()).ToList(),
                root.GetProperty("rows").GetInt64(),
                root.GetProperty("sums").EnumerateArray().Select(s => s.GetDouble()).ToArray());
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            console.MarkupLine($"[yellow]numpy comparison skipped:[/] {Markup.Escape(ex.Message)}");
            return null;
        }
    }

    private sealed record NumpyRun(string Version, List<double> Seconds, long Rows, double[] Sums);

    private struct Sums
    {
        public long Rows;
        public double Time;
        public double Tx;
        public double Rx;
        public double Late;
    }
}
