using System.CommandLine;
using NetworkTwin.Console.Cli;
using NetworkTwin.Learning.Forecast;
using NetworkTwin.Learning.Series;
using NetworkTwin.Telemetry.Topology;
using Spectre.Console;

namespace NetworkTwin.Console.Lab.Models;

/// <summary>
/// <c>networktwin lab forecast evaluate</c>: the Abilene evaluation on anyone's traffic. Traffic matrices
/// routed over a topology (SNDlib, GraphML or JSON), or link loads with one column per link; the step
/// read from the timestamps; a split by days or by fraction; the daily season where the history allows
/// one; the model against the same baselines, with a statement of whether the test supports a claim.
/// </summary>
internal static class ForecastEvaluateCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var matrices = new Option<FileInfo?>("--matrices") { Description = "Traffic matrices CSV (timestamp_utc,SRC->DST,...), routed over --topology on hop-count shortest paths with equal-cost splits." };
        var topology = new Option<FileInfo?>("--topology") { Description = "The network the matrices are routed over: SNDlib native (.txt), GraphML (.graphml, .xml) or JSON (.json)." };
        var loads = new Option<FileInfo?>("--loads") { Description = "Link loads CSV instead: timestamp_utc (ISO 8601 or Unix seconds), then one column per link." };
        var trainDays = new Option<double?>("--train-days") { Description = "Train on the first N days (fractions allowed)." };
        var testDays = new Option<double?>("--test-days") { Description = "Test on the N days after them (default: the rest)." };
        var fraction = new Option<double?>("--train-fraction") { Description = "Train on this share of the series and test on the rest (default 0.5 without --train-days)." };
        var horizons = new Option<int[]>("--horizon") { Description = "Horizons in steps (repeatable; default: 1 step and 1 hour where the step divides an hour).", AllowMultipleArgumentsPerToken = true };
        var epochs = new Option<int>("--epochs") { Description = "Training epochs.", DefaultValueFactory = _ => new BnnOptions().Epochs };
        var perLink = new Option<bool>("--per-link") { Description = "Also print the table per link." };
        var unit = new Option<string>("--unit") { Description = "The unit of the file's rates, for the tables.", DefaultValueFactory = _ => "Mbit/s" };
        var command = new Command("evaluate", "Forecast accuracy on your traffic: train on the first part, predict the rest, compare with last value, previous day and EWMA, and say whether the test supports a claim.")
        {
            matrices, topology, loads, trainDays, testDays, fraction, horizons, epochs, perLink, unit,
        };
        command.SetAction(parse =>
        {
            var (series, what) = Load(parse.GetValue(matrices), parse.GetValue(topology), parse.GetValue(loads));
            var first = series[0];
            var split = Split(first, parse.GetValue(trainDays), parse.GetValue(testDays), parse.GetValue(fraction));
            var season = EvaluationSplit.SeasonFor(first, split.TrainSteps);
            var steps = parse.GetValue(horizons) is { Length: > 0 } given ? given : DefaultHorizons(first.StepSeconds);
            console.MarkupLine(Markup.Escape(
                $"{what}: {series.Count} link(s), {first.Values.Length} loads each every {Durations.Text(first.StepSeconds)} from {first.Start:yyyy-MM-dd HH:mm}Z; " +
                $"training on the first {split.TrainSteps} ({Durations.Text(split.TrainSteps * first.StepSeconds)}), testing on the next {split.TestSteps} ({Durations.Text(split.TestSteps * first.StepSeconds)}); " +
                (season > 0 ? $"daily season of {season} steps" : "no daily season (the step does not divide a day or the training holds less than two days)")));

            var options = new BnnOptions { Epochs = ForecastCommand.Positive(parse.GetValue(epochs), "--epochs") };
            var results = new List<HorizonEvaluation>();
            foreach (var h in steps)
            {
                if (h < 1 || h >= split.TestSteps)
                {
                    throw new CliUsageException($"--horizon: {h} must be 1..{split.TestSteps - 1} steps (the test holds {split.TestSteps})");
                }

                try
                {
                    results.Add(ForecastEvaluation.Run(series, h, split, options, new Progress<string>(m => console.MarkupLine($"[grey]{Markup.Escape(m)}[/]"))));
                }
                catch (ArgumentException ex)
                {
                    throw new CliUsageException($"horizon {h}: {ex.Message}");
                }
            }

            ForecastReport.Render(console, $"{what}: trained on {Durations.Text(split.TrainSteps * first.StepSeconds)}, tested on the next {Durations.Text(split.TestSteps * first.StepSeconds)} (all links)", results, parse.GetValue(perLink), parse.GetValue(unit) ?? "");
            return CliApp.ExitOk;
        });
        return command;
    }

    private static (IReadOnlyList<LoadSeries> Series, string What) Load(FileInfo? matrices, FileInfo? topology, FileInfo? loads)
    {
        if (loads is not null && (matrices is not null || topology is not null))
        {
            throw new CliUsageException("give either --loads, or --matrices with --topology, not both");
        }

        try
        {
            if (loads is not null)
            {
                using var reader = Open(loads, "--loads");
                return (LinkLoadCsv.Read(reader, loads.Name), loads.Name);
            }

            if (matrices is null || topology is null)
            {
                throw new CliUsageException("give --loads FILE (one column per link), or --matrices FILE with --topology FILE (SNDlib, GraphML or JSON)");
            }

            if (!topology.Exists)
            {
                throw new CliUsageException($"--topology: {topology.FullName} does not exist");
            }

            var network = NetworkFiles.Load(topology.FullName).Network;
            using var csv = Open(matrices, "--matrices");
            return (TrafficMatrixLoads.Route(network, csv, matrices.Name), $"{matrices.Name} over {network.Name}");
        }
        catch (FormatException ex)
        {
            // The file is wrong, not the command line: the data-rejected exit code, with the reader's line and column.
            throw new InvalidDataException(ex.Message, ex);
        }
    }

    private static StreamReader Open(FileInfo file, string option) =>
        file.Exists ? file.OpenText() : throw new CliUsageException($"{option}: {file.FullName} does not exist");

    private static EvaluationSplit Split(LoadSeries series, double? trainDays, double? testDays, double? fraction)
    {
        try
        {
            if (trainDays is { } train)
            {
                if (fraction is not null)
                {
                    throw new CliUsageException("give --train-days or --train-fraction, not both");
                }

                if (!(train > 0) || testDays is { } t && !(t > 0))
                {
                    throw new CliUsageException("--train-days and --test-days must be positive");
                }

                return EvaluationSplit.ByDays(series, train, testDays);
            }

            if (testDays is not null)
            {
                throw new CliUsageException("--test-days needs --train-days");
            }

            return EvaluationSplit.ByFraction(series, fraction ?? 0.5);
        }
        catch (ArgumentException ex)
        {
            throw new CliUsageException(ex.Message);
        }
    }

    /// <summary>One step, and one hour when the step divides it into more than one step.</summary>
    private static int[] DefaultHorizons(double stepSeconds)
    {
        var perHour = 3600 / stepSeconds;
        return perHour > 1 && Math.Abs(perHour - Math.Round(perHour)) < 1e-9 ? [1, (int)Math.Round(perHour)] : [1];
    }
}
