using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using NetworkTwin.Analytics.Fronthaul;
using NetworkTwin.Analytics.Graphs.Formats;
using NetworkTwin.Analytics.Leo;
using NetworkTwin.Analytics.WhatIfs;
using NetworkTwin.Console.Cli;
using NetworkTwin.Telemetry.Files;
using Spectre.Console;
using static System.FormattableString;

namespace NetworkTwin.Console.Lab.Scenario;

/// <summary>
/// <c>networktwin lab scenario what-if</c>: replays a network's state under what-ifs (failures, growth,
/// spikes, new sites, capacity changes) with the template of its kind, many in parallel, and records
/// every run as JSON.
/// </summary>
public static class WhatIfCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Create(IAnsiConsole console)
    {
        var template = new Option<string>("--template") { Description = "fronthaul (a capture), backbone (SNDlib network + traffic matrices), hybrid (backbone with LEO backup), leo (a Walker constellation).", Required = true };
        var whatIfs = new Option<string[]>("--what-if") { Description = "One what-if: changes joined by '+': link-down:L, node-down:N, growth:F[@T,..], spike:F@T,..[/FROM-TO], new-site:NAME=LIKE@A,B, capacity:L=GBPS. Repeatable; none = the template's sweep (every single failure, growth steps, spikes, a new site).", Arity = ArgumentArity.ZeroOrMore, AllowMultipleArgumentsPerToken = false };
        var data = new Option<DirectoryInfo?>("--data") { Description = "fronthaul: the capture folder (as for analyze fronthaul)." };
        var links = new Option<int?>("--links") { Description = "fronthaul: number of links the operator says exist (default: what the data supports)." };
        var pins = new Option<string[]>("--pin") { Description = "fronthaul: known placement CELL=LINK; repeat for more cells.", Arity = ArgumentArity.ZeroOrMore };
        var network = new Option<FileInfo?>("--network") { Description = "backbone/hybrid: an SNDlib native network file (with link capacities)." };
        var traffic = new Option<FileInfo?>("--traffic") { Description = "backbone/hybrid: traffic matrices, timestamp_utc,SRC->DST,... in Mbit/s." };
        var day = new Option<int>("--day") { Description = "backbone/hybrid: which day of the matrices to replay (1 = the first).", DefaultValueFactory = _ => 8 };
        var lossTarget = new Option<double?>("--loss-target") { Description = "Loss above this fraction breaks the SLA (fronthaul 0.01, backbone 0.001)." };
        var cost = new Option<double>("--cost-per-gbps") { Description = "Capacity price per Gbit/s and month.", DefaultValueFactory = _ => 100 };
        var ground = new Option<double>("--ground-gbps") { Description = "hybrid: satellite capacity per site.", DefaultValueFactory = _ => 5 };
        var parallel = new Option<int>("--parallel") { Description = "Scenarios run at once (default: every core)." };
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder the run is recorded in.", DefaultValueFactory = _ => new DirectoryInfo(Path.Combine("out", "scenarios")) };
        var command = new Command("what-if", "Replay a network's state under what-ifs in parallel: loss per link, utilisation, unreachable demand, SLA violations and cost; every run is recorded.")
        {
            template, whatIfs, data, links, pins, network, traffic, day, lossTarget, cost, ground, parallel, output,
        };
        command.SetAction(async (parse, ct) =>
        {
            var kind = parse.GetRequiredValue(template).ToLowerInvariant();
            var costPerGbps = parse.GetValue(cost);
            if (costPerGbps is < 0 or > 1e9)
            {
                throw new CliUsageException(Invariant($"--cost-per-gbps must be 0..1e9 (got {costPerGbps})"));
            }

            var whatIfTexts = parse.GetValue(whatIfs) ?? [];
            List<WhatIf> asked;
            try
            {
                asked = [.. whatIfTexts.Select(WhatIf.Parse)];
            }
            catch (FormatException ex)
            {
                throw new CliUsageException("--what-if " + ex.Message);
            }

            var model = kind switch
            {
                "fronthaul" => await FronthaulAsync(parse.GetValue(data), new FronthaulOptions { LossTarget = parse.GetValue(lossTarget) ?? 0.01, DeclaredLinks = parse.GetValue(links), Pins = PinParser.Parse(parse.GetValue(pins) ?? []) }, costPerGbps, ct).ConfigureAwait(false),
                "backbone" or "hybrid" => Backbone(kind, parse.GetValue(network), parse.GetValue(traffic), parse.GetValue(day), parse.GetValue(lossTarget) ?? 0.001, costPerGbps, parse.GetValue(ground)),
                "leo" => new LeoTemplate(new WalkerSpec(), LeoCommand.DefaultStations, new WalkerConstellation(new WalkerSpec()).PeriodSeconds, 60, 1, 150),
                _ => throw new CliUsageException($"--template must be fronthaul, backbone, hybrid or leo (got '{kind}')"),
            };
            var scenarios = asked.Count > 0 ? [WhatIf.Baseline, .. asked] : model.DefaultSweep();
            var threads = parse.GetValue(parallel);
            if (threads is < 0 or > 1024)
            {
                throw new CliUsageException(Invariant($"--parallel must be 1..1024 (got {threads})"));
            }

            console.MarkupLine(Markup.Escape($"{model.Kind}: {model.Description}"));
            ScenarioRunner.Run run = null!;
            await console.Progress().AutoClear(true).StartAsync(ctx =>
            {
                var task = ctx.AddTask(Invariant($"{scenarios.Count} scenarios"), maxValue: scenarios.Count);
                run = ScenarioRunner.RunAll(model, scenarios, threads, new Progress<int>(done => task.Value = done), ct);
                return Task.CompletedTask;
            }).ConfigureAwait(false);

            Render(console, model, run);
            var file = await RecordAsync(parse.GetRequiredValue(output).FullName, model, run, ct).ConfigureAwait(false);
            console.MarkupLine(Markup.Escape(Invariant($"{run.Results.Count} scenarios in {run.Seconds:0.0} s on {run.Parallelism} threads; recorded in {file}")));
            foreach (var (whatIf, error) in run.Failed)
            {
                console.MarkupLine($"[red]not run:[/] {Markup.Escape(whatIf.Name)}: {Markup.Escape(error)}");
            }

            return run.Failed.Count > 0 ? CliApp.ExitUsage : CliApp.ExitOk;
        });
        return command;
    }

    private static async Task<IScenarioTemplate> FronthaulAsync(DirectoryInfo? folder, FronthaulOptions options, double cost, CancellationToken ct)
    {
        if (folder is null || !folder.Exists)
        {
            throw new CliUsageException("--template fronthaul needs --data with a capture folder (for example ../shared/data/fronthaul)");
        }

        if (options.Validate() is { Count: > 0 } problems)
        {
            throw new CliUsageException(string.Join(" ", problems));
        }

        var capture = await FronthaulCaptureLoader.LoadAsync(folder.FullName, new FronthaulLoadOptions(), null, ct).ConfigureAwait(false);
        var report = FronthaulAnalyzer.Analyze(capture.Dataset, options);
        var slots = capture.Dataset.Slots ?? SlotTable.FromSymbols(capture.Dataset.Symbols)
            ?? throw new InvalidDataException($"{folder.FullName}: no DU throughput (per-slot CSV or per-symbol files) to replay");
        return FronthaulTemplate.FromAnalysis(slots, report, options, headroom: 0.1, cost);
    }

    private static BackboneTemplate Backbone(string kind, FileInfo? networkFile, FileInfo? trafficFile, int day, double lossTarget, double cost, double groundGbps)
    {
        var (net, matrices, first, perDay) = BackboneFiles.Read(networkFile, trafficFile, day, $"--template {kind}");
        BackboneTemplate.SatelliteBackup? backup = null;
        if (kind == "hybrid")
        {
            var spec = new WalkerSpec { GroundGbps = groundGbps };
            var period = new WalkerConstellation(spec).PeriodSeconds;
            var reachable = LeoTemplate.Reachability(spec, net, period, matrices.StepSeconds);
            backup = new BackboneTemplate.SatelliteBackup(reachable, groundGbps, Invariant($"Walker {spec.Satellites} satellites, {groundGbps:0.#} Gbit/s per site, in view {reachable.Average(r => r.Count) / (net.NodeCount * (net.NodeCount - 1) / 2.0):P0} of site pairs on average"));
        }

        return new BackboneTemplate(net, matrices, first, perDay, 1e-3, lossTarget, cost, backup);
    }

    private static void Render(IAnsiConsole console, IScenarioTemplate model, ScenarioRunner.Run run)
    {
        var ordered = run.Results
            .OrderByDescending(r => r.SlaViolations)
            .ThenByDescending(r => r.UnreachablePercent)
            .ThenByDescending(r => r.WorstLossPercent)
            .ThenByDescending(r => r.WorstPeakUtilisation)
            .ToList();
        var baseline = run.Results.FirstOrDefault(r => r.WhatIf.Changes.Count == 0);
        var leo = model.Kind == "leo";
        var worstLoss = Math.Max(1e-9, ordered.Max(r => r.WorstLossPercent));
        var columns = new List<(string Header, Func<ScenarioResult, string> Cell)>
        {
            ("what-if", r => Markup.Escape(r.WhatIf.Name.Contains(':', StringComparison.Ordinal) ? string.Join(" + ", r.WhatIf.Changes.Select(c => c.Describe())) : r.WhatIf.Name)),
            (leo ? "mean outage" : "unreachable", r => Invariant($"{r.UnreachablePercent:0.###}%")),
            (leo ? "worst pair outage" : "worst link loss", r => Invariant($"{r.WorstLossPercent:0.###}% ") + new string('#', (int)Math.Round(12 * r.WorstLossPercent / worstLoss))),
            ("where", r => Markup.Escape(Worst(r)?.Link ?? "-")),
        };
        if (!leo)
        {
            columns.Add(("peak utilisation", r => Invariant($"{r.WorstPeakUtilisation:P0}")));
        }

        columns.Add(("SLA broken", r => r.SlaViolations > 0 ? Invariant($"[red]{r.SlaViolations}[/]") : "[green]0[/]"));
        if (!leo)
        {
            columns.Add(("cost/month", r => Invariant($"{r.CostPerMonth:N0}") + (baseline is null ? string.Empty : Invariant($" ({r.CostPerMonth - baseline.CostPerMonth:+0;-0;0})"))));
        }

        columns.Add(("notes", r => Markup.Escape(r.Notes)));
        var table = new Table().Border(TableBorder.Rounded).AddColumns([.. columns.Select(c => c.Header)]);
        foreach (var r in ordered)
        {
            table.AddRow([.. columns.Select(c => c.Cell(r))]);
        }

        console.Write(table);
        if (ordered.FirstOrDefault() is { } first && first.Links.Count > 0)
        {
            console.MarkupLine(Markup.Escape($"In the worst what-if ({first.WhatIf.Name}), worst first:"));
            var links = leo
                ? new Table().Border(TableBorder.Rounded).AddColumns("pair", "mean latency ms", "max latency ms", "outage", "SLA")
                : new Table().Border(TableBorder.Rounded).AddColumns("link", "capacity Gbit/s", "mean Gbit/s", "peak Gbit/s", "utilisation", "loss", "SLA");
            foreach (var l in first.Links.OrderByDescending(l => l.LossPercent).ThenByDescending(l => l.PeakUtilisation).Take(10))
            {
                var sla = l.Violates ? "[red]broken[/]" : "[green]ok[/]";
                if (leo)
                {
                    links.AddRow(Markup.Escape(l.Link), Invariant($"{l.MeanGbps:0.#}"), Invariant($"{l.PeakGbps:0.#}"), Invariant($"{l.LossPercent:0.#}%"), sla);
                }
                else
                {
                    links.AddRow(Markup.Escape(l.Link), Invariant($"{l.CapacityGbps:0.##}"), Invariant($"{l.MeanGbps:0.###}"), Invariant($"{l.PeakGbps:0.###}"), Invariant($"{l.Utilisation:P0} (peak {l.PeakUtilisation:P0})"), Invariant($"{l.LossPercent:0.###}%"), sla);
                }
            }

            console.Write(links);
        }
    }

    private static LinkOutcome? Worst(ScenarioResult r) => r.Links.OrderByDescending(l => l.LossPercent).ThenByDescending(l => l.PeakUtilisation).FirstOrDefault();

    private static async Task<string> RecordAsync(string folder, IScenarioTemplate model, ScenarioRunner.Run run, CancellationToken ct)
    {
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, Invariant($"{model.Kind}-{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss-fff}.json"));
        var document = new
        {
            template = model.Kind,
            state = model.Description,
            at = DateTimeOffset.UtcNow,
            seconds = run.Seconds,
            parallelism = run.Parallelism,
            scenarios = run.Results.Select(r => new
            {
                name = r.WhatIf.Name,
                changes = r.WhatIf.Changes.Select(c => c.Describe()),
                unreachablePercent = r.UnreachablePercent,
                slaViolations = r.SlaViolations,
                costPerMonth = r.CostPerMonth,
                worstLossPercent = r.WorstLossPercent,
                notes = r.Notes,
                links = r.Links,
            }),
            failed = run.Failed.Select(f => new { name = f.WhatIf.Name, error = f.Error }),
        };
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(document, Indented), ct).ConfigureAwait(false);
        return file;
    }
}
