using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using NetworkTwin.Console.Cli;
using NetworkTwin.Console.Lab.Models;
using NetworkTwin.Learning.Forecast;
using NetworkTwin.Learning.Series;
using NetworkTwin.Onnx.Runtime;
using Spectre.Console;

namespace NetworkTwin.Lab.Bench;

/// <summary>
/// <c>networktwin-lab bench onnx</c>: per-prediction latency of the shipped kind of model (the Bayesian
/// load forecast, trained here on Abilene when the data is present, else on a synthetic load) through
/// the project's binding, next to the same model through onnxruntime-node in the same run.
/// </summary>
public static class OnnxBench
{
    public static Command Create(IAnsiConsole console)
    {
        var iterations = new Option<int>("--iterations") { Description = "Timed predictions per runtime.", DefaultValueFactory = _ => 50_000 };
        var matrices = new Option<FileInfo>("--matrices") { Description = "Abilene traffic matrices (trains the model on real loads when present).", DefaultValueFactory = _ => new FileInfo("../shared/data/traffic/abilene_tm_5min_20040301_20040314.csv") };
        var network = new Option<FileInfo>("--network") { DefaultValueFactory = _ => new FileInfo("../shared/data/sndlib/abilene/abilene.txt"), Description = "SNDlib network for the matrices." };
        var command = new Command("onnx", "Latency per prediction of the forecast model: the project's ONNX Runtime binding next to onnxruntime-node.") { iterations, matrices, network };
        command.SetAction(async (parse, ct) =>
        {
            var n = Math.Clamp(parse.GetValue(iterations), 1000, 10_000_000);
            var (model, source, trainSeconds) = Model(parse.GetRequiredValue(matrices), parse.GetRequiredValue(network));
            using var forecaster = LoadForecaster.Load(model);
            var f = forecaster.Spec.FeatureCount;
            var table = new Table().Border(TableBorder.Rounded).AddColumns("runtime", "p50 us", "p99 us", "p99.9 us", "max us");
            var ours = Binding(model, f, n);
            table.AddRow("Microsoft.ML.OnnxRuntime (managed API, IoBinding, reused buffers)", Us(ours.P50), Us(ours.P99), Us(ours.P999), Us(ours.Max));
            var node = await NodeAsync(console, model, f, n, ct).ConfigureAwait(false);
            if (node is { } js)
            {
                table.AddRow("onnxruntime-node 1.30.0", Us(js.P50), Us(js.P99), Us(js.P999), Us(js.Max));
            }

            console.Write(table);
            console.MarkupLine(CultureInfo.InvariantCulture, $"model: {Markup.Escape(source)}, {f} features, {model.Length / 1024.0:0.0} KiB, {forecaster.Spec.Horizon} step ahead; trained in {trainSeconds:0.0} s. ONNX Runtime {Markup.Escape(OnnxRuntime.Version)}, 1 intra-op and 1 inter-op thread, {n:N0} timed calls each after a warm-up.");
            console.MarkupLine($"target: p99 below 50 us; binding within 1.2x of onnxruntime-node. {(node is { } j ? string.Create(CultureInfo.InvariantCulture, $"Here: p99 {ours.P99:0.0} us; p50 ratio {ours.P50 / j.P50:0.00}x, p99 ratio {ours.P99 / j.P99:0.00}x.") : "onnxruntime-node not measured.")}");
            return CliApp.ExitOk;
        });
        return command;
    }

    private static (byte[] Model, string Source, double Seconds) Model(FileInfo matrices, FileInfo network)
    {
        var clock = Stopwatch.StartNew();
        if (matrices.Exists && network.Exists)
        {
            var series = ForecastCommand.LoadAbilene(matrices, network);
            var result = ForecastEvaluation.Run(series, 1, trainDays: 7, testDays: 7, new BnnOptions());
            return (result.Model, "Abilene 5-minute forecast (trained on days 1-7)", result.TrainSeconds);
        }

        var rng = new Random(3);
        var values = Enumerable.Range(0, 7 * 288).Select(i => 400 * (1 + (0.4 * Math.Sin(2 * Math.PI * i / 288))) * Math.Exp(0.05 * (rng.NextDouble() - 0.5))).ToArray();
        var synthetic = new[] { new LoadSeries("synthetic", DateTimeOffset.UnixEpoch, 300, values) };
        var r = ForecastEvaluation.Run(synthetic, 1, trainDays: 5, testDays: 2, new BnnOptions());
        clock.Stop();
        return (r.Model, "synthetic daily load (Abilene data not found)", r.TrainSeconds);
    }

    private readonly record struct Latency(double P50, double P99, double P999, double Max);

    private static Latency Binding(byte[] model, int features, int n)
    {
        using var session = OnnxSession.Load(model);
        using var binding = session.Bind([[1, features], [1, 1]]);
        for (var i = 0; i < features; i++)
        {
            binding.Input(0)[i] = ((i % 7) - 3) / 10f;
        }

        binding.Input(1)[0] = MathF.Log(400);
        for (var i = 0; i < 2000; i++)
        {
            binding.Run();
        }

        var samples = new double[n];
        var toUs = 1e6 / Stopwatch.Frequency;
        for (var i = 0; i < n; i++)
        {
            var start = Stopwatch.GetTimestamp();
            binding.Run();
            samples[i] = (Stopwatch.GetTimestamp() - start) * toUs;
        }

        Array.Sort(samples);
        return new Latency(samples[n / 2], samples[(int)(n * 0.99)], samples[Math.Min(n - 1, (int)(n * 0.999))], samples[^1]);
    }

    private static async Task<Latency?> NodeAsync(IAnsiConsole console, byte[] model, int features, int n, CancellationToken ct)
    {
        var file = Path.Combine(Path.GetTempPath(), $"networktwin-bench-{Environment.ProcessId}.onnx");
        await File.WriteAllBytesAsync(file, model, ct).ConfigureAwait(false);
        try
        {
            using var doc = await NodeReference.RunAsync(
                console,
                "onnxruntime-node",
                "ortnode",
                "onnxruntime-node",
                "npm ci --ignore-scripts",
                "bench.mjs",
                [file, features.ToString(CultureInfo.InvariantCulture), n.ToString(CultureInfo.InvariantCulture)],
                ct).ConfigureAwait(false);
            if (doc is null)
            {
                return null;
            }

            var r = doc.RootElement;
            return new Latency(r.GetProperty("p50_us").GetDouble(), r.GetProperty("p99_us").GetDouble(), r.GetProperty("p999_us").GetDouble(), r.GetProperty("max_us").GetDouble());
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static string Us(double v) => v.ToString("0.0", CultureInfo.InvariantCulture);
}
