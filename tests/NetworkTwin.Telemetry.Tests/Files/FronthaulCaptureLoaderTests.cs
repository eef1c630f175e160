using NetworkTwin.Analytics.Scenario;
using NetworkTwin.Telemetry.Files;
using NetworkTwin.Telemetry.Scenario;

namespace NetworkTwin.Telemetry.Tests.Files;

public sealed class FronthaulCaptureLoaderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nt-loader-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task LoadAsync_WrittenScenario_ReadsBackWhatWasGenerated()
    {
        var scenario = FronthaulScenarioGenerator.Generate(new ScenarioSpec { Cells = 4, Links = 2, CellsPerRu = 2, DurationSeconds = 1, Seed = 2 });
        await ScenarioWriter.WriteAsync(scenario, _folder, null, CancellationToken.None);

        var capture = await FronthaulCaptureLoader.LoadAsync(_folder, new FronthaulLoadOptions(), null, CancellationToken.None);

        Assert.Empty(capture.Rejected);
        Assert.Equal(0, capture.Dataset.MalformedLines);
        Assert.Equal(4, capture.Dataset.Symbols.Count);
        for (var c = 0; c < 4; c++)
        {
            Assert.Equal(scenario.Symbols[c].FirstSymbol, capture.Dataset.Symbols[c].FirstSymbol);
            Assert.Equal(scenario.Symbols[c].Kbit, capture.Dataset.Symbols[c].Kbit);
            Assert.Equal(scenario.PacketStats[c].TxPackets, capture.Dataset.PacketStats[c].TxPackets);
            Assert.Equal(scenario.PacketStats[c].RxPackets, capture.Dataset.PacketStats[c].RxPackets);
        }

        Assert.Equal(scenario.Truth.LinkOfCell, ScenarioWriter.ReadTruth(_folder)!.LinkOfCell);
    }

    [Fact]
    public async Task LoadAsync_OneGarbageFileAndOneDamagedFile_RejectsTheGarbageKeepsTheRest()
    {
        await File.WriteAllTextAsync(Path.Combine(_folder, "pkt-stats-cell-1.dat"), "1.0 4 4 0\r\n1.1 4 3 0\r\nbroken line\r\n1.2 4 4 0");
        var garbage = new byte[5000];
        new Random(1).NextBytes(garbage);
        await File.WriteAllBytesAsync(Path.Combine(_folder, "pkt-stats-cell-2.dat"), garbage);
        Directory.CreateDirectory(Path.Combine(_folder, "sub"));
        await File.WriteAllTextAsync(Path.Combine(_folder, "sub", "throughput-cell-1.dat"), "1.0 5\n");
        await File.WriteAllTextAsync(Path.Combine(_folder, "notes.txt"), "not telemetry");

        var capture = await FronthaulCaptureLoader.LoadAsync(_folder, new FronthaulLoadOptions(), null, CancellationToken.None);

        var kept = Assert.Single(capture.Dataset.PacketStats);
        Assert.Equal([4, 4, 4], kept.TxPackets);
        Assert.Single(capture.Dataset.Symbols);
        var rejected = Assert.Single(capture.Rejected);
        Assert.Contains("pkt-stats-cell-2.dat", rejected, StringComparison.Ordinal);
        Assert.Contains(capture.MalformedSamples, m => m.Source == "pkt-stats-cell-1.dat" && m.LineNumber == 3);
    }

    [Fact]
    public async Task LoadAsync_FolderWithoutTelemetry_SaysWhatItExpected()
    {
        await File.WriteAllTextAsync(Path.Combine(_folder, "readme.md"), "x");

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => FronthaulCaptureLoader.LoadAsync(_folder, new FronthaulLoadOptions(), null, CancellationToken.None));

        Assert.Contains("pkt-stats-cell-N.dat", error.Message, StringComparison.Ordinal);
    }
}
