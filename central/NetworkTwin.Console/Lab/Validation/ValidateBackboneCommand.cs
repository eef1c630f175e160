using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using NetworkTwin.Analytics.Graphs;
using NetworkTwin.Analytics.WhatIfs;
using NetworkTwin.Console.Cli;
using NetworkTwin.Console.Lab.Fronthaul;
using NetworkTwin.Console.Lab.Scenario;
using Spectre.Console;
using static System.FormattableString;

namespace NetworkTwin.Console.Lab.Validation;

/// <summary>What the ns-3 backbone program measured (its JSON line).</summary>
internal sealed record Ns3BackboneResult(double Seconds, double BufferMs, int PacketBytes, long OfferedBytes, long DeliveredBytes, long UnroutedBytes, double WallSeconds, IReadOnlyList<Ns3Direction> Directions);

/// <summary>One direction of a link in ns-3: bytes sent and dropped at its queue.</summary>
internal sealed record Ns3Direction(int Link, int From, int To, double CapacityBps, long SentBytes, long DroppedBytes, double Utilisation, double Loss);

/// <summary>One direction of a link in both models.</summary>
internal sealed record DirectionComparison(string Link, double CapacityGbps, double TwinGbps, double TwinUtilisation, double TwinLoss, double Ns3Utilisation, double Ns3Loss);

/// <summary>
/// <c>networktwin lab validate backbone</c>: one traffic matrix of a backbone what-if (by default the busiest of the
/// day with the single-link failure the twin finds worst) in the twin's fluid routing and in ns-3, packet by packet
/// over the same ECMP next hops; each direction's utilisation and loss side by side.
/// </summary>
public static class ValidateBackboneCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var network = new Option<FileInfo?>("--network") { Description = "SNDlib native network file (with link capacities)." };
        var traffic = new Option<FileInfo?>("--traffic") { Description = "Traffic matrices, timestamp_utc,SRC->DST,... in Mbit/s." };
        var day = new Option<int>("--day") { Description = "Day of the matrices (1 = the first).", DefaultValueFactory = _ => 8 };
        var matrix = new Option<int?>("--matrix") { Description = "Matrix of the day, 1 = the first (default: the busiest)." };
        var failure = new Option<string>("--failure") { Description = "worst (the single-link failure the twin finds worst), none, or a link SITE-SITE.", DefaultValueFactory = _ => "worst" };
        var growth = new Option<double>("--growth") { Description = "All demand times this factor.", DefaultValueFactory = _ => 1 };
        var seconds = new Option<double>("--seconds") { Description = "Simulated seconds in ns-3.", DefaultValueFactory = _ => 1 };
        var bufferMs = new Option<double>("--buffer-ms") { Description = "Every queue in ns-3 as drain time at its link's capacity, in ms.", DefaultValueFactory = _ => 5 };
        var packetBytes = new Option<int>("--packet-bytes") { Description = "Packet size in ns-3.", DefaultValueFactory = _ => 1500 };
        var seed = new Option<int>("--seed") { Description = "Seed of ns-3's Poisson streams.", DefaultValueFactory = _ => 1 };
        var program = new Option<FileInfo?>("--ns3-program") { Description = $"The ns-3 program (default: tools/NetworkTwin.Ns3/bin/{Ns3Program.BackboneEcmp} in the repository, or in the folder ${Ns3Program.EnvironmentVariable} names)." };
        var json = new Option<FileInfo?>("--json") { Description = "Write both models' figures per link direction as JSON to this file." };
        var command = new Command("backbone", "Hold a backbone what-if against ns-3: one traffic matrix with a failure, routed packet by packet over the twin's ECMP next hops; utilisation and loss per link direction in both.")
        {
            network, traffic, day, matrix, failure, growth, seconds, bufferMs, packetBytes, seed, program, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            var (factor, span, buffer, size) = (parse.GetValue(growth), parse.GetValue(seconds), parse.GetValue(bufferMs), parse.GetValue(packetBytes));
            if (factor <= 0 || span <= 0 || buffer < 0 || size is < 64 or > 65_535)
            {
                throw new CliUsageException(Invariant($"--growth and --seconds must be above 0, --buffer-ms at least 0 and --packet-bytes 64..65535 (got {factor}, {span}, {buffer} and {size})."));
            }

            var ns3 = Ns3Program.Locate(Ns3Program.BackboneEcmp, parse.GetValue(program)?.FullName);
            var (net, matrices, first, perDay) = BackboneFiles.Read(parse.GetValue(network), parse.GetValue(traffic), parse.GetValue(day), "lab validate backbone");
            var row = parse.GetValue(matrix) is { } m
                ? (m is >= 1 && m <= perDay ? first + m - 1 : throw new CliUsageException(Invariant($"--matrix must be 1..{perDay} (matrices per day)")))
                : Enumerable.Range(first, perDay).MaxBy(r => matrices.Rows[r].Sum());
            if (net.Links.Any(l => l.CapacityGbps is not > 0))
            {
                throw new CliUsageException($"every link of {net.Name} needs a capacity");
            }

            // The twin's answer: the what-if template on this one matrix.
            var template = new BackboneTemplate(net, matrices, row, 1, 1e-3, 0.001, 0);
            WhatIfChange[] grown = factor == 1 ? [] : [new WhatIfChange.Growth(factor, [])];
            var clock = Stopwatch.StartNew();
            var (whatIf, twin) = Choose(template, parse.GetValue(failure) ?? "worst", grown);
            var twinMs = clock.Elapsed.TotalMilliseconds;

            var linkDown = new bool[net.LinkCount];
            foreach (var down in whatIf.Changes.OfType<WhatIfChange.LinkDown>())
            {
                linkDown[BackboneTemplate.LinkIndexOf(net, down.Link)] = true;
            }

            var work = Directory.CreateTempSubdirectory("networktwin-ns3-");
            Ns3BackboneResult result;
            try
            {
                var input = Path.Combine(work.FullName, "backbone.txt");
                BackboneExport.Write(input, net, linkDown, matrices.Demands(row, 1e-3 * factor));
                string[] arguments = [$"--input={input}", Invariant($"--seconds={span}"), Invariant($"--buffer-ms={buffer}"), Invariant($"--packet-bytes={size}"), Invariant($"--seed={parse.GetValue(seed)}")];
                result = await console.Status().StartAsync(
                    Invariant($"ns-3: {span:0.##} s of {matrices.Times[row]:yyyy-MM-dd HH:mm} on {net.Name}, {whatIf.Name}..."),
                    _ => ns3.RunAsync<Ns3BackboneResult>(arguments, ct)).ConfigureAwait(false);
            }
            finally
            {
                work.Delete(recursive: true);
            }

            var rows = Compare(net, twin, result);
            Render(console, net, matrices.Times[row], whatIf, twin, result, rows, twinMs);
            if (parse.GetValue(json) is { } file)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(file.FullName)!);
                var document = new { network = net.Name, matrix = matrices.Times[row], whatIf = whatIf.Name, twinMilliseconds = twinMs, ns3 = result with { Directions = [] }, directions = rows };
                await File.WriteAllTextAsync(file.FullName, JsonSerializer.Serialize(document, ReportFiles.Json), ct).ConfigureAwait(false);
            }

            return CliApp.ExitOk;
        });
        return command;
    }

    /// <summary>The what-if asked for and the twin's result of it; "worst" is the link failure with the most loss, then the highest peak utilisation.</summary>
    private static (WhatIf WhatIf, ScenarioResult Twin) Choose(BackboneTemplate template, string failure, WhatIfChange[] grown)
    {
        WhatIf With(WhatIf w) => grown.Length == 0 ? w : new WhatIf($"{w.Name}, {grown[0].Describe()}", [.. w.Changes, .. grown]);
        if (failure.Equals("worst", StringComparison.OrdinalIgnoreCase))
        {
            return template.DefaultSweep()
                .Where(w => w.Changes is [WhatIfChange.LinkDown])
                .Select(w => With(w))
                .Select(w => (w, template.Run(w)))
                .OrderByDescending(r => r.Item2.WorstLossPercent)
                .ThenByDescending(r => r.Item2.WorstPeakUtilisation)
                .First();
        }

        var chosen = failure.Equals("none", StringComparison.OrdinalIgnoreCase)
            ? WhatIf.Baseline
            : new WhatIf($"link {failure} fails", [new WhatIfChange.LinkDown(failure)]);
        try
        {
            var whatIf = With(chosen);
            return (whatIf, template.Run(whatIf));
        }
        catch (ArgumentException ex)
        {
            throw new CliUsageException($"--failure: {ex.Message}");
        }
    }

    private static List<DirectionComparison> Compare(Network net, ScenarioResult twin, Ns3BackboneResult ns3)
    {
        var byName = ns3.Directions.ToDictionary(d => $"{net.Nodes[d.From].Id}->{net.Nodes[d.To].Id}");
        return [.. twin.Links
            .Where(l => l.CapacityGbps > 0)
            .Select(l =>
            {
                var n = byName.GetValueOrDefault(l.Link);
                return new DirectionComparison(l.Link, l.CapacityGbps, l.MeanGbps, l.Utilisation, l.LossPercent / 100, n?.Utilisation ?? 0, n?.Loss ?? 0);
            })
            .OrderByDescending(r => r.TwinUtilisation)];
    }

    private static void Render(IAnsiConsole console, Network net, DateTimeOffset time, WhatIf whatIf, ScenarioResult twin, Ns3BackboneResult ns3, List<DirectionComparison> rows, double twinMs)
    {
        console.Write(new Rule($"[bold]The twin against ns-3[/]: {Markup.Escape(net.Name)}, matrix of {time:yyyy-MM-dd HH:mm}, {Markup.Escape(whatIf.Name)}").LeftJustified());
        console.MarkupLine(Invariant(
            $"ns-3: {ns3.Seconds:0.##} s simulated, Poisson packets of {ns3.PacketBytes} B, queues of {ns3.BufferMs:0.##} ms, the twin's ECMP next hops; offered {ns3.OfferedBytes * 8 / ns3.Seconds / 1e9:0.000} Gbit/s, ") +
            Invariant($"delivered {100.0 * ns3.DeliveredBytes / Math.Max(1, ns3.OfferedBytes):0.000}%, no route {100.0 * ns3.UnroutedBytes / Math.Max(1, ns3.OfferedBytes):0.000}% (the twin: unreachable {twin.UnreachablePercent:0.000}%)."));
        var table = new Table().Title("[bold]Per link direction[/], busiest first").Border(TableBorder.Rounded);
        foreach (var column in new[] { "link", "capacity Gbit/s", "twin load Gbit/s", "utilisation twin", "ns-3", "loss twin", "ns-3", "" })
        {
            table.AddColumn(new TableColumn(column).RightAligned());
        }

        foreach (var r in rows)
        {
            var bar = new string('#', (int)Math.Round(Math.Min(1.5, r.TwinUtilisation) * 20));
            table.AddRow(
                Markup.Escape(r.Link),
                Invariant($"{r.CapacityGbps:0.00}"),
                Invariant($"{r.TwinGbps:0.000}"),
                Invariant($"{r.TwinUtilisation:0.0%}"),
                Invariant($"{r.Ns3Utilisation:0.0%}"),
                Invariant($"{r.TwinLoss:0.000%}"),
                Invariant($"{r.Ns3Loss:0.000%}"),
                bar);
        }

        console.Write(table);
        var used = rows.Where(r => r.TwinUtilisation > 0.01).ToList();
        var worst = used.Count == 0 ? 0 : used.Max(r => Math.Abs(r.Ns3Utilisation - Math.Min(1, r.TwinUtilisation)));
        console.MarkupLine(Invariant(
            $"Largest utilisation difference on a loaded direction (>1%): {worst * 100:0.00} points. Dropped: the twin {rows.Sum(r => r.TwinLoss * r.TwinGbps):0.000} Gbit/s (load above capacity, summed over directions), ") +
            Invariant($"ns-3 {(ns3.OfferedBytes - ns3.DeliveredBytes - ns3.UnroutedBytes) * 8 / ns3.Seconds / 1e9:0.000} Gbit/s ({1 - ((double)(ns3.DeliveredBytes + ns3.UnroutedBytes) / Math.Max(1, ns3.OfferedBytes)):0.000%} of the offered packets, end to end). ") +
            Invariant($"Wall time: ns-3 {ns3.WallSeconds:0.00} s, the twin {twinMs:0.0} ms (its whole what-if choice)."));
    }
}
