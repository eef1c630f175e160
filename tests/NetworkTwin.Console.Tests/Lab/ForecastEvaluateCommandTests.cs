using System.Globalization;
using NetworkTwin.Console.Cli;

namespace NetworkTwin.Console.Tests.Lab;

/// <summary><c>networktwin lab forecast evaluate</c> on an operator's own link loads and on traffic matrices with a topology in another format.</summary>
public sealed class ForecastEvaluateCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nt-forecast-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Two links with a daily cycle at 15-minute steps, timestamps in Unix seconds.</summary>
    private string LoadsCsv(int days)
    {
        var path = Path.Combine(_dir, "loads.csv");
        var rng = new Random(3);
        using var w = new StreamWriter(path);
        w.WriteLine("timestamp,edge-a,edge-b");
        var start = new DateTimeOffset(2025, 1, 6, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        for (var t = 0; t < days * 96; t++)
        {
            var daily = 1 + (0.6 * Math.Sin(2 * Math.PI * t / 96.0));
            w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{start + (t * 900)},{400 * daily * (1 + (0.05 * rng.NextDouble())):0.00},{90 * daily * (1 + (0.05 * rng.NextDouble())):0.00}"));
        }

        return path;
    }

    [Fact]
    public async Task Evaluate_OwnLinkLoads_PrintsTheTableAgainstTheBaselinesAndAVerdict()
    {
        var (exit, output) = await CliRunner.RunAsync("lab", "forecast", "evaluate", "--loads", LoadsCsv(days: 5), "--train-fraction", "0.6", "--epochs", "8", "--unit", "Gbit/s");

        Assert.True(exit == 0, output);
        Assert.Contains("loads.csv: 2 link(s), 480 loads each every 15 min from 2025-01-06 00:00Z", output, StringComparison.Ordinal);
        Assert.Contains("daily season of 96 steps", output, StringComparison.Ordinal);
        Assert.Contains("trained on 3 d, tested on the next 2 d", output, StringComparison.Ordinal);
        Assert.Contains("static Gbit/s", output, StringComparison.Ordinal);
        // The default horizons for a 15-minute step: one step and an hour, each with what the test supports.
        Assert.Matches(@"(?m)^15 min: (the model beats|.* beats the model|no claim)", output);
        Assert.Matches(@"(?m)^1 h: (the model beats|.* beats the model|no claim)", output);
    }

    [Fact]
    public async Task Evaluate_TrafficMatricesOverAGraphMlTopology_RoutesThemLikeSndlib()
    {
        var network = NetworkTwin.Telemetry.Topology.NetworkFiles.Load(Path.Combine(CliRunner.ReferenceData("sndlib"), "abilene", "abilene.txt")).Network;
        var graphml = Path.Combine(_dir, "abilene.graphml");
        NetworkTwin.Telemetry.Topology.NetworkFiles.Save(network, graphml);
        // Two days of the real matrices: less than two days of training, so no season and no previous-day baseline.
        var matrices = Path.Combine(_dir, "two-days.csv");
        await File.WriteAllLinesAsync(matrices, File.ReadLines(Path.Combine(CliRunner.ReferenceData("traffic"), "abilene_tm_5min_20040301_20040314.csv")).Take(1 + (2 * 288)));

        var (exit, output) = await CliRunner.RunAsync("lab", "forecast", "evaluate", "--matrices", matrices, "--topology", graphml, "--horizon", "1", "--epochs", "3");

        Assert.True(exit == 0, output);
        Assert.Contains("two-days.csv over abilene: 30 link(s), 576 loads each every 5 min", output, StringComparison.Ordinal);
        Assert.Contains("no daily season", output, StringComparison.Ordinal);
        Assert.Contains("n/a", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evaluate_GapInTheTimestamps_RejectsTheFileNamingTheLine()
    {
        var path = LoadsCsv(days: 3);
        var lines = File.ReadAllLines(path).ToList();
        lines.RemoveAt(100);
        await File.WriteAllLinesAsync(path, lines);

        var (exit, output) = await CliRunner.RunAsync("lab", "forecast", "evaluate", "--loads", path);

        Assert.Equal(CliApp.ExitDataRejected, exit);
        Assert.Contains("loads.csv line 101: rows must be evenly spaced (900 s from the first two), found 1800 s", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--train-days", "3", "3 training days leave nothing to test")]
    [InlineData("--train-fraction", "0.02", "too short to train")]
    [InlineData("--horizon", "500", "--horizon: 500 must be 1..143 steps")]
    public async Task Evaluate_SplitOrHorizonTheDataCannotHold_SaysWhy(string option, string value, string expected)
    {
        var (exit, output) = await CliRunner.RunAsync("lab", "forecast", "evaluate", "--loads", LoadsCsv(days: 3), option, value);

        Assert.Equal(CliApp.ExitUsage, exit);
        Assert.Contains(expected, output.ReplaceLineEndings(" "), StringComparison.Ordinal);
    }
}
