using System.Text.Json;

namespace NetworkTwin.Console.Tests.Scenario;

/// <summary>networktwin lab scenario what-if on the real reference data: the sweep, operators' own what-ifs, the record, bad input.</summary>
public sealed class WhatIfCommandTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("nt-whatif-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    private static string Abilene => Path.Combine(CliRunner.ReferenceData("sndlib"), "abilene", "abilene.txt");

    private static string Traffic => Path.Combine(CliRunner.ReferenceData("traffic"), "abilene_tm_5min_20040301_20040314.csv");

    [Fact]
    public async Task Backbone_DefaultSweep_RanksFailuresAndRecordsTheRun()
    {
        var (exit, output) = await CliRunner.RunAsync("lab", "scenario", "what-if", "--template", "backbone", "--network", Abilene, "--traffic", Traffic, "--day", "9", "--out", _out);

        Assert.True(exit == 0, output);
        Assert.Contains("abilene: 12 sites, 15 links", output, StringComparison.Ordinal);
        Assert.Contains("site KSCYng fails", output, StringComparison.Ordinal);
        Assert.Contains("all traffic x8", output, StringComparison.Ordinal);
        var record = Assert.Single(Directory.GetFiles(_out, "backbone-*.json"));
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(record));
        var scenarios = json.RootElement.GetProperty("scenarios");
        // Baseline, 15 links, 12 sites, 6 growth steps, a spike and a new site.
        Assert.Equal(36, scenarios.GetArrayLength());
        var kscy = scenarios.EnumerateArray().Single(s => s.GetProperty("name").GetString() == "site KSCYng fails");
        Assert.True(kscy.GetProperty("unreachablePercent").GetDouble() > 0);
    }

    [Fact]
    public async Task Fronthaul_OperatorsWhatIfs_OnTheRealCapture()
    {
        var (exit, output) = await CliRunner.RunAsync(
            "lab", "scenario", "what-if", "--template", "fronthaul", "--data", CliRunner.ReferenceData("fronthaul"), "--out", _out,
            "--what-if", "link-down:1", "--what-if", "growth:1.3@link 2+capacity:2=60");

        Assert.True(exit == 0, output);
        Assert.Contains("24 cells on 2 links", output, StringComparison.Ordinal);
        Assert.Contains("link 1 down", output, StringComparison.Ordinal);
        Assert.Contains("traffic x1.3 on link 2 + link 2 at 60 Gbit/s", output, StringComparison.Ordinal);
        Assert.Contains("switched to link 2", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--what-if", "explode:1", "unknown kind 'explode'", 2)]
    [InlineData("--what-if", "link-down:9", "no link '9'", 2)]
    [InlineData("--day", "15", "--day must be 1..14", 2)]
    public async Task BadInput_IsNamed(string option, string value, string message, int code)
    {
        var (exit, output) = await CliRunner.RunAsync("lab", "scenario", "what-if", "--template", "backbone", "--network", Abilene, "--traffic", Traffic, "--out", _out, option, value);

        Assert.Equal(code, exit);
        Assert.Contains(message, output, StringComparison.Ordinal);
    }
}

/// <summary>networktwin lab allocate fronthaul on the real capture: chance-constrained capacity against peak provisioning.</summary>
public sealed class AllocateCommandTests
{
    [Fact]
    public async Task Fronthaul_ChanceConstrainedCapacityKeepsItsBound_AndCostsFarLessThanPeak()
    {
        var (exit, output) = await CliRunner.RunAsync("lab", "allocate", "fronthaul", "--data", CliRunner.ReferenceData("fronthaul"));

        Assert.True(exit == 0, output);
        var total = output[output.IndexOf("all links", StringComparison.Ordinal)..];
        var fitted = total.Split('\n').Single(l => l.Contains("chance-constrained (fitted)", StringComparison.Ordinal));
        Assert.Contains("kept", fitted, StringComparison.Ordinal);
        var whole = total.Split('\n').Single(l => l.Contains("whole-history sizing", StringComparison.Ordinal));
        Assert.Contains("broken", whole, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fronthaul_BadBound_IsAUsageError()
    {
        var (exit, output) = await CliRunner.RunAsync("lab", "allocate", "fronthaul", "--data", CliRunner.ReferenceData("fronthaul"), "--epsilon", "0.7");

        Assert.Equal(2, exit);
        Assert.Contains("--epsilon must be above 0 and below 0.5", output, StringComparison.Ordinal);
    }
}
