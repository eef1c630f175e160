using System.CommandLine;
using System.Globalization;
using NetworkTwin.Analytics.Graphs.Formats;
using NetworkTwin.Console.Cli;
using NetworkTwin.Learning.Forecast;
using NetworkTwin.Learning.Series;
using Spectre.Console;

namespace NetworkTwin.Console.Lab.Models;

/// <summary>
/// <c>networktwin lab forecast abilene</c>: the prediction accuracy on real backbone traffic. The 14 days
/// of Abilene traffic matrices are routed over the Abilene topology (hop-count shortest paths) into
/// directed link loads; the Bayesian network trains on days 1-7 and predicts days 8-14.
/// </summary>
public static class ForecastCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var matrices = new Option<FileInfo>("--matrices") { Description = "Traffic matrices CSV (timestamp_utc,SRC->DST,...).", DefaultValueFactory = _ => new FileInfo("../shared/data/traffic/abilene_tm_5min_20040301_20040314.csv") };
        var network = new Option<FileInfo>("--network") { Description = "SNDlib native network the matrices are routed over.", DefaultValueFactory = _ => new FileInfo("../shared/data/sndlib/abilene/abilene.txt") };
        var horizons = new Option<int[]>("--horizon") { Description = "Horizons in steps (repeatable); 1 = 5 minutes, 12 = 1 hour.", DefaultValueFactory = _ => [1, 12], AllowMultipleArgumentsPerToken = true };
        var epochs = new Option<int>("--epochs") { Description = "Training epochs.", DefaultValueFactory = _ => new BnnOptions().Epochs };
        var perLink = new Option<bool>("--per-link") { Description = "Also print the table per directed link." };
        var save = new Option<DirectoryInfo?>("--save") { Description = "Write each horizon's ONNX model into this folder." };
        var loads = new Option<FileInfo?>("--loads") { Description = "Also write the routed link loads (one column per directed link, Mbit/s) to this CSV." };
        var abilene = new Command("abilene", "Train on Abilene days 1-7, predict days 8-14 at 5 minutes and 1 hour, and compare with three baselines.") { matrices, network, horizons, epochs, perLink, save, loads };
        abilene.SetAction(parse =>
        {
            var series = LoadAbilene(parse.GetRequiredValue(matrices), parse.GetRequiredValue(network));
            if (parse.GetValue(loads) is { } loadsFile)
            {
                WriteLoads(loadsFile, series);
                console.MarkupLine($"link loads: {Markup.Escape(loadsFile.FullName)}");
            }

            console.MarkupLine($"{series.Count} directed links, {series[0].Values.Length} loads each ({series[0].StepSeconds / 60:0} min), {series[0].Start:yyyy-MM-dd} onwards; ONNX Runtime {Markup.Escape(NetworkTwin.Onnx.Runtime.OnnxRuntime.Version)}");
            var options = new BnnOptions { Epochs = Positive(parse.GetValue(epochs), "--epochs") };
            var results = new List<HorizonEvaluation>();
            foreach (var h in parse.GetValue(horizons) ?? [1, 12])
            {
                if (h < 1 || h > 288)
                {
                    throw new CliUsageException($"--horizon: {h} must be 1..288 steps");
                }

                results.Add(ForecastEvaluation.Run(series, h, trainDays: 7, testDays: 7, options, new Progress<string>(m => console.MarkupLine($"[grey]{Markup.Escape(m)}[/]"))));
            }

            ForecastReport.Render(console, "Abilene, trained on days 1-7, tested on days 8-14 (all directed links)", results, parse.GetValue(perLink), "Mbit/s");
            if (parse.GetValue(save) is { } folder)
            {
                folder.Create();
                foreach (var r in results)
                {
                    var path = Path.Combine(folder.FullName, $"abilene-h{r.Horizon}.onnx");
                    File.WriteAllBytes(path, r.Model);
                    console.MarkupLine($"model: {Markup.Escape(path)} ({r.Model.Length / 1024.0:0.0} KiB)");
                }
            }

            return CliApp.ExitOk;
        });

        var command = new Command("forecast", "Load forecasts: accuracy on real traffic.");
        command.Add(abilene);
        command.Add(ForecastEvaluateCommand.Create(console));
        return command;
    }

    private static void WriteLoads(FileInfo file, IReadOnlyList<LoadSeries> series)
    {
        using var w = new StreamWriter(file.FullName);
        w.WriteLine("timestamp_utc," + string.Join(",", series.Select(s => s.Name)));
        for (var i = 0; i < series[0].Values.Length; i++)
        {
            w.WriteLine(series[0].TimeOf(i).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) + "," + string.Join(",", series.Select(s => s.Values[i].ToString("0.###", CultureInfo.InvariantCulture))));
        }
    }

    internal static int Positive(int value, string option) => value > 0 ? value : throw new CliUsageException($"{option}: {value} must be positive");

    public static IReadOnlyList<LoadSeries> LoadAbilene(FileInfo matrices, FileInfo network)
    {
        if (!matrices.Exists)
        {
            throw new CliUsageException($"--matrices: {matrices.FullName} does not exist");
        }

        if (!network.Exists)
        {
            throw new CliUsageException($"--network: {network.FullName} does not exist");
        }

        using var networkReader = network.OpenText();
        var net = SndlibReader.Read(networkReader, network.FullName).Network;
        using var csv = matrices.OpenText();
        return TrafficMatrixLoads.Route(net, csv, matrices.FullName);
    }
}
