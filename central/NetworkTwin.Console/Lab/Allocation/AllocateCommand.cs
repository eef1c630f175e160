using System.CommandLine;
using NetworkTwin.Analytics.Fronthaul;
using NetworkTwin.Analytics.WhatIfs;
using NetworkTwin.Console.Cli;
using NetworkTwin.Learning.Allocation;
using NetworkTwin.Learning.Forecast;
using NetworkTwin.Telemetry.Files;
using Spectre.Console;
using static System.FormattableString;

namespace NetworkTwin.Console.Lab.Allocation;

/// <summary>
/// <c>networktwin lab allocate fronthaul|abilene</c>: chance-constrained capacity (the cheapest capacity a
/// link's windows exceed with probability at most epsilon) against peak provisioning, judged by replaying
/// real traffic the allocation did not see.
/// </summary>
public static class AllocateCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var command = new Command("allocate", "Allocate link capacity with chance constraints and compare with peak provisioning on held-out real traffic.");
        command.Add(Fronthaul(console));
        command.Add(Abilene(console));
        return command;
    }

    private static Command Fronthaul(IAnsiConsole console)
    {
        var data = new Option<DirectoryInfo>("--data") { Description = "The capture folder (for example ../shared/data/fronthaul).", Required = true };
        var links = new Option<int?>("--links") { Description = "Number of links the operator says exist (default: what the data supports)." };
        var pins = new Option<string[]>("--pin") { Description = "Known placement CELL=LINK; repeat for more cells.", Arity = ArgumentArity.ZeroOrMore };
        var epsilon = new Option<double>("--epsilon") { Description = "Largest share of windows allowed to break the loss target.", DefaultValueFactory = _ => 0.05 };
        var window = new Option<double>("--window-ms") { Description = "Window the loss target applies to.", DefaultValueFactory = _ => 100 };
        var train = new Option<double>("--train") { Description = "Share of the capture the allocation learns from; the rest is replayed.", DefaultValueFactory = _ => 0.5 };
        var cost = new Option<double>("--cost-per-gbps") { Description = "Capacity price per Gbit/s and month.", DefaultValueFactory = _ => 100 };
        var fronthaul = new Command("fronthaul", "Per link: the capacity each 100 ms window needs for the loss target (buffer model), fitted, and its (1 - epsilon) quantile; replayed on the rest of the capture.")
        {
            data, links, pins, epsilon, window, train, cost,
        };
        fronthaul.SetAction(async (parse, ct) =>
        {
            var eps = parse.GetValue(epsilon);
            var share = parse.GetValue(train);
            var windowMs = parse.GetValue(window);
            if (eps is <= 0 or >= 0.5 || share is < 0.1 or > 0.9 || windowMs is < 5 or > 10_000)
            {
                throw new CliUsageException(Invariant($"--epsilon must be above 0 and below 0.5, --train 0.1..0.9, --window-ms 5..10000 (got {eps}, {share}, {windowMs})"));
            }

            var folder = parse.GetRequiredValue(data);
            if (!folder.Exists)
            {
                throw new CliUsageException($"--data: {folder.FullName} does not exist");
            }

            var options = new FronthaulOptions { DeclaredLinks = parse.GetValue(links), Pins = PinParser.Parse(parse.GetValue(pins) ?? []) };
            IReadOnlyList<LinkAllocation> result = null!;
            FronthaulTemplate template = null!;
            await console.Status().StartAsync("reading and analysing the capture, then fitting and replaying every link...", async _ =>
            {
                var capture = await FronthaulCaptureLoader.LoadAsync(folder.FullName, new FronthaulLoadOptions(), null, ct).ConfigureAwait(false);
                var report = FronthaulAnalyzer.Analyze(capture.Dataset, options);
                var slots = capture.Dataset.Slots ?? SlotTable.FromSymbols(capture.Dataset.Symbols) ?? throw new InvalidDataException($"{folder.FullName}: no DU throughput to allocate for");
                template = FronthaulTemplate.FromAnalysis(slots, report, options, 0, 0);
                var intervals = (int)Math.Round(windowMs / 1000 / template.IntervalSeconds);
                result = FronthaulAllocation.Run(template.LinkTraffic(), template.CellTraffic(), template.IntervalSeconds, template.BufferSeconds, template.LossTarget, eps, intervals, share);
            }).ConfigureAwait(false);

            console.MarkupLine(Markup.Escape(Invariant($"{template.Description}. Learnt from the first {share:P0}, replayed on the rest in {windowMs:0} ms windows; bound: at most {eps:P0} of windows above {template.LossTarget:P0} loss.")));
            var price = parse.GetValue(cost);
            var table = new Table().Border(TableBorder.Rounded).AddColumns("link", "method", "Gbit/s", "cost/month", "vs peak per cell", "windows over the loss target", "loss over the replay", "bound");
            foreach (var link in result)
            {
                var peak = link.Methods[0].CapacityGbps;
                foreach (var m in link.Methods)
                {
                    table.AddRow(
                        Invariant($"{link.Link} ({link.Cells} cells)"),
                        Markup.Escape(m.Method),
                        Invariant($"{m.CapacityGbps:0.00}"),
                        Invariant($"{m.CapacityGbps * price:N0}"),
                        Invariant($"{(m.CapacityGbps / peak) - 1:+0%;-0%;0%}"),
                        Invariant($"{m.ViolationRate:P1}"),
                        Invariant($"{m.LossPercent:0.###}%"),
                        m.ViolationRate <= eps ? "[green]kept[/]" : "[red]broken[/]");
                }
            }

            console.Write(table);
            Totals(console, result.SelectMany(l => l.Methods).GroupBy(m => Family(m.Method)).Select(g => (g.Key, g.Sum(m => m.CapacityGbps), g.Average(m => m.ViolationRate))).ToList(), price, eps);
            return CliApp.ExitOk;
        });
        return fronthaul;
    }

    private static Command Abilene(IAnsiConsole console)
    {
        var matrices = new Option<FileInfo>("--matrices") { Description = "Traffic matrices CSV.", DefaultValueFactory = _ => new FileInfo("../shared/data/traffic/abilene_tm_5min_20040301_20040314.csv") };
        var network = new Option<FileInfo>("--network") { Description = "SNDlib network the matrices are routed over.", DefaultValueFactory = _ => new FileInfo("../shared/data/sndlib/abilene/abilene.txt") };
        var probability = new Option<double>("--probability") { Description = "Each link's load must stay within its capacity with this probability.", DefaultValueFactory = _ => 0.99 };
        var cost = new Option<double>("--cost-per-gbps") { Description = "Capacity price per Gbit/s and month.", DefaultValueFactory = _ => 100 };
        var abilene = new Command("abilene", "Per directed link: the fitted distribution's p-quantile of days 1-7 (static), the forecast's p-quantile each 5 minutes (predictive), and the days 1-7 peak; replayed on days 8-14.")
        {
            matrices, network, probability, cost,
        };
        abilene.SetAction(parse =>
        {
            var p = parse.GetValue(probability);
            if (p is < 0.5 or >= 1)
            {
                throw new CliUsageException(Invariant($"--probability must be 0.5..1 (exclusive; got {p})"));
            }

            var series = Models.ForecastCommand.LoadAbilene(parse.GetRequiredValue(matrices), parse.GetRequiredValue(network));
            HorizonEvaluation evaluation = null!;
            console.Status().Start("training on days 1-7 and replaying days 8-14...", _ =>
                evaluation = ForecastEvaluation.Run(series, 1, trainDays: 7, testDays: 7, new BnnOptions(), null, p));
            var scored = evaluation.Links.Where(l => l.Capacity is not null).Select(l => l.Capacity!).ToList();
            var price = parse.GetValue(cost);
            console.MarkupLine(Invariant($"{scored.Count} directed links of Abilene, 5-minute loads; bound: each link above its capacity at most {1 - p:P0} of the time. Violation = share of the 2,016 test intervals above capacity."));
            Totals(
                console,
                [
                    ("peak (days 1-7)", scored.Sum(c => c.TrainingPeak) / 1000, scored.Average(c => c.PeakViolation)),
                    ("chance-constrained, static (fitted distribution)", scored.Sum(c => c.StaticCapacity) / 1000, scored.Average(c => c.StaticViolation)),
                    ("chance-constrained, predictive (forecast, median of the week)", scored.Sum(c => c.PredictiveMedianCapacity) / 1000, scored.Average(c => c.PredictiveViolation)),
                ],
                price,
                1 - p);
            console.MarkupLine("Predictive capacity changes every 5 minutes with the forecast (a shaper or a slice share can follow it); its column shows the median over the test week.");
            return CliApp.ExitOk;
        });
        return abilene;
    }

    private static string Family(string method) => method.StartsWith("chance-constrained (", StringComparison.Ordinal) ? "chance-constrained (fitted)" : method;

    private static void Totals(IAnsiConsole console, List<(string Method, double Gbps, double Violation)> rows, double price, double bound)
    {
        var peak = rows[0].Gbps;
        var table = new Table().Border(TableBorder.Rounded).Title("all links").AddColumns("method", "Gbit/s", "cost/month", "saving vs " + rows[0].Method, "mean violation", "bound", string.Empty);
        var widest = rows.Max(r => r.Gbps);
        foreach (var (method, gbps, violation) in rows)
        {
            table.AddRow(
                Markup.Escape(method),
                Invariant($"{gbps:0.00}"),
                Invariant($"{gbps * price:N0}"),
                Invariant($"{1 - (gbps / peak):P1}"),
                Invariant($"{violation:P2}"),
                violation <= bound ? "[green]kept[/]" : "[red]broken[/]",
                new string('#', (int)Math.Round(30 * gbps / widest)));
        }

        console.Write(table);
    }
}
