using System.Text.Json;

namespace NetworkTwin.Console.Tests.Fronthaul;

public sealed class AnalyzeFronthaulCommandTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("nt-cli-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    [Fact]
    public async Task AnalyzeFronthaul_OneCell_GetsItsLinkSized_NotAStackTrace()
    {
        var capture = Path.Combine(_out, "one-cell");
        var (generated, generation) = await CliRunner.RunAsync("lab", "generate", "fronthaul", "--out", capture, "--cells", "1", "--links", "1", "--cells-per-ru", "1", "--seconds", "4");
        var json = Path.Combine(_out, "one-cell.json");
        var (exit, output) = await CliRunner.RunAsync("lab", "analyze", "fronthaul", "--data", capture, "--json", json);

        Assert.True(generated == 0, generation);
        Assert.True(exit == 0, output);
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        var link = Assert.Single(report.RootElement.GetProperty("links").EnumerateArray());
        Assert.True(link.GetProperty("capacityGbps").GetDouble() > 0, link.ToString());
    }

    [Fact]
    public async Task AnalyzeFronthaul_ThroughputFilesOnly_SaysNoLinkIsSized_NotAStackTrace()
    {
        var capture = Path.Combine(_out, "one-kind");
        var (generated, generation) = await CliRunner.RunAsync("lab", "generate", "fronthaul", "--out", capture, "--cells", "2", "--links", "1", "--cells-per-ru", "1", "--seconds", "4");
        Assert.True(generated == 0, generation);
        foreach (var pktStats in Directory.GetFiles(capture, "pkt-stats-*"))
        {
            File.Delete(pktStats);
        }

        var (exit, output) = await CliRunner.RunAsync("lab", "analyze", "fronthaul", "--data", capture);

        Assert.True(exit == 0, output);
        Assert.Contains("Capacity: no link to size (discovery found none; see below).", output, StringComparison.Ordinal);
        Assert.Contains("no pkt-stats file for this cell", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnalyzeFronthaul_RealCapture_FindsTheTwoCoherentGroupsAndSizesTheLinks()
    {
        var data = CliRunner.ReferenceData("fronthaul");
        var json = Path.Combine(_out, "report.json");

        var (exit, output) = await CliRunner.RunAsync("lab", "analyze", "fronthaul", "--data", data, "--links", "3", "--pin", "1=2", "--pin", "2=3", "--json", json, "--csv", _out);

        Assert.Equal(0, exit);
        Assert.Contains("Links", output, StringComparison.Ordinal);
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        var root = report.RootElement;
        var cells = root.GetProperty("cells").EnumerateArray().ToDictionary(c => c.GetProperty("id").GetInt32());
        Assert.Equal(24, cells.Count);
        Assert.Equal(2, cells[1].GetProperty("link").GetInt32());
        Assert.Equal(3, cells[2].GetProperty("link").GetInt32());

        // The twelve cells whose losses line up with cell 2's are one link.
        int[] withCell2 = [2, 6, 7, 8, 10, 13, 15, 16, 18, 19, 23, 24];
        Assert.All(withCell2, c => Assert.Equal(3, cells[c].GetProperty("link").GetInt32()));

        // Clock groups of four: cells 3, 11, 14, 21 run 490 ms ahead of cell 1's RU; 7, 13, 15, 16 580.5 ms ahead of cell 2's.
        int[] aheadOfCell1 = [3, 11, 14, 21];
        int[] aheadOfCell2 = [7, 13, 15, 16];
        Assert.All(aheadOfCell1, c => Assert.Equal(490.0, cells[c].GetProperty("clockOffsetMs").GetDouble(), 1.0));
        Assert.All(aheadOfCell2, c => Assert.Equal(580.5, cells[c].GetProperty("clockOffsetMs").GetDouble(), 1.0));

        Assert.Equal(2, root.GetProperty("discovery").GetProperty("supportedLinks").GetInt32());
        Assert.True(root.GetProperty("cleaning").GetProperty("outliersRemoved").GetInt64() > 5000);
        foreach (var link in root.GetProperty("links").EnumerateArray())
        {
            var capacity = link.GetProperty("capacityGbps").GetDouble();
            Assert.InRange(capacity, 1, link.GetProperty("peakGbps").GetDouble());
            Assert.True(link.GetProperty("peakGbps").GetDouble() < 200, "logger errors must not reach the link peak");
        }

        Assert.True(File.Exists(Path.Combine(_out, "links.csv")));
        Assert.Equal(25, (await File.ReadAllLinesAsync(Path.Combine(_out, "cells.csv"))).Length);
    }

    [Fact]
    public async Task AnalyzeFronthaul_MalformedPin_ExitsWithUsageErrorNamingIt()
    {
        var (exit, output) = await CliRunner.RunAsync("lab", "analyze", "fronthaul", "--data", _out, "--pin", "1-2");

        Assert.Equal(2, exit);
        Assert.Contains("--pin '1-2'", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnalyzeFronthaul_MissingFolder_ExitsWithDataErrorNamingIt()
    {
        var missing = Path.Combine(_out, "nope");

        var (exit, output) = await CliRunner.RunAsync("lab", "analyze", "fronthaul", "--data", missing);

        Assert.Equal(3, exit);
        Assert.Contains("does not exist", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnalyzeFronthaul_LossOutOfRange_SaysTheAllowedRange()
    {
        var (exit, output) = await CliRunner.RunAsync("lab", "analyze", "fronthaul", "--data", _out, "--loss", "1.5");

        Assert.Equal(2, exit);
        Assert.Contains("--loss must be", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_SmallCapture_RecoversTheTruthOfflineAndLive()
    {
        var (exit, output) = await CliRunner.RunLabAsync("demo", "--seconds", "3", "--speed", "5", "--out", _out);

        Assert.True(exit == 0, output);
        Assert.Contains("24 / 24", output, StringComparison.Ordinal);
        Assert.Contains("the live agent found the same link map from the MQTT stream.", output, StringComparison.Ordinal);
        Assert.Contains("too short to learn a forecast model", output, StringComparison.Ordinal);
        Assert.DoesNotContain("failed:", output, StringComparison.Ordinal);
        Assert.Contains("The coordinator stored results 1..", output, StringComparison.Ordinal);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(_out, "agent", "logs")));
        Assert.True(File.Exists(Path.Combine(_out, "report.json")));
        Assert.True(File.Exists(Path.Combine(_out, "links.csv")));
    }
}
