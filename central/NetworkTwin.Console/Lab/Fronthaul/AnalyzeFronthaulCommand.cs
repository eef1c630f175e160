using System.CommandLine;
using System.Diagnostics;
using NetworkTwin.Analytics.Fronthaul;
using NetworkTwin.Console.Cli;
using NetworkTwin.Telemetry.Files;
using Spectre.Console;

namespace NetworkTwin.Console.Lab.Fronthaul;

/// <summary><c>networktwin lab analyze fronthaul</c>: link map and link capacities from a capture folder.</summary>
public static class AnalyzeFronthaulCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var data = new Option<DirectoryInfo>("--data") { Description = "Folder with throughput-cell-N.dat, pkt-stats-cell-N.dat and/or throughput*.csv (searched 3 levels deep).", Required = true };
        var links = new Option<int?>("--links") { Description = "Number of links the operator says exist (default: what the data supports)." };
        var pins = new Option<string[]>("--pin") { Description = "Known placement CELL=LINK; repeat for more cells.", Arity = ArgumentArity.ZeroOrMore };
        var buffer = new Option<double>("--buffer-us") { Description = "Switch buffer as drain time in microseconds.", DefaultValueFactory = _ => 143 };
        var loss = new Option<double>("--loss") { Description = "Loss target as a fraction (0.01 = 1%).", DefaultValueFactory = _ => 0.01 };
        var maxOffset = new Option<double>("--max-offset-s") { Description = "Largest RU clock offset against the DU, in seconds.", DefaultValueFactory = _ => 1.5 };
        var outlierFactor = new Option<double>("--outlier-factor") { Description = "Measurement-error rule: samples above this many times the cell's busy level are zeroed.", DefaultValueFactory = _ => 5 };
        var json = new Option<FileInfo?>("--json") { Description = "Write the full report as JSON to this file." };
        var csv = new Option<DirectoryInfo?>("--csv") { Description = "Write cells.csv and links.csv to this folder." };

        var command = new Command("fronthaul", "Discover which cells share a link, recover RU clock offsets and size each link with the switch-buffer model.")
        {
            data, links, pins, buffer, loss, maxOffset, outlierFactor, json, csv,
        };
        command.SetAction(async (parse, ct) =>
        {
            var options = new FronthaulOptions
            {
                DeclaredLinks = parse.GetValue(links),
                Pins = PinParser.Parse(parse.GetValue(pins) ?? []),
                BufferMicros = parse.GetValue(buffer),
                LossTarget = parse.GetValue(loss),
                MaxClockOffsetSeconds = parse.GetValue(maxOffset),
                OutlierFactor = parse.GetValue(outlierFactor),
            };
            var outputs = new ReportOutputs(parse.GetValue(json)?.FullName, parse.GetValue(csv)?.FullName);
            var run = await RunAsync(console, parse.GetRequiredValue(data).FullName, options, outputs, ct).ConfigureAwait(false);
            ReportRenderer.Render(console, run);
            return CliApp.ExitOk;
        });
        return command;
    }

    /// <summary>Loads, analyses and writes the outputs, showing progress; shared with the demo.</summary>
    public static async Task<FronthaulRun> RunAsync(IAnsiConsole console, string folder, FronthaulOptions options, ReportOutputs outputs, CancellationToken ct)
    {
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new CliUsageException(string.Join(Environment.NewLine, problems));
        }

        var total = Stopwatch.StartNew();
        LoadedCapture? capture = null;
        FronthaulReport? report = null;
        var loadSeconds = 0.0;
        await console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                var files = FronthaulCaptureLoader.FindFiles(folder, new FronthaulLoadOptions(), []);
                var read = ctx.AddTask($"reading {files.Count} files", maxValue: Math.Max(1, files.Sum(f => f.Bytes)));
                capture = await FronthaulCaptureLoader.LoadAsync(folder, new FronthaulLoadOptions(), new Progress<long>(b => read.Value = b), ct).ConfigureAwait(false);
                read.Value = read.MaxValue;
                loadSeconds = total.Elapsed.TotalSeconds;
                var analyse = ctx.AddTask("analysing", maxValue: 4);
                report = FronthaulAnalyzer.Analyze(capture.Dataset, options, new Progress<string>(stage =>
                {
                    analyse.Description = stage;
                    analyse.Increment(1);
                }));
                analyse.Value = analyse.MaxValue;
            }).ConfigureAwait(false);

        var run = new FronthaulRun(folder, options, capture!, report!, loadSeconds, total.Elapsed.TotalSeconds);
        await ReportFiles.WriteAsync(run, outputs, ct).ConfigureAwait(false);
        return run with { Outputs = outputs };
    }
}
