using NetworkTwin.Agent.Ingest;
using NetworkTwin.Agent.Live;
using NetworkTwin.Contracts.Telemetry;

namespace NetworkTwin.Agent.Tests.Ingest;

public sealed class FileTailTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nt-tail-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Poll_PartialLastLine_WaitsForTheRestThenAppliesIt()
    {
        var path = Path.Combine(_dir, "pkt-stats-cell-2.dat");
        var cell = new CellWindow(2, 10, 1);
        var tail = new FileTail(path, 2, TelemetryKind.PacketStats, cell);
        await File.WriteAllTextAsync(path, "time tx rx late\n1.0 10 9 0\n1.0005 10 1");

        var first = await tail.PollAsync(default);
        await File.AppendAllTextAsync(path, "0 0\n1.001 10 10 0\n");
        var second = await tail.PollAsync(default);

        Assert.Equal(1, first.Rows);
        Assert.Equal(2, second.Rows);
        Assert.Equal(0, tail.MalformedLines);
        Assert.Equal(3, cell.PacketRows);
        Assert.Equal(new FileInfo(path).Length, tail.Offset);
    }

    [Fact]
    public async Task Poll_FileRotated_ReadsTheNewFileFromItsStart()
    {
        var path = Path.Combine(_dir, "throughput-cell-1.dat");
        var cell = new CellWindow(1, 10, 1);
        var tail = new FileTail(path, 1, TelemetryKind.Throughput, cell);
        await File.WriteAllTextAsync(path, "1.0 10\n1.1 10\n1.2 10\n");
        await tail.PollAsync(default);

        File.Move(path, path + ".1");
        await File.WriteAllTextAsync(path, "2.0 30\n");
        var after = await tail.PollAsync(default);

        Assert.True(after.Rotated);
        Assert.Equal(1, after.Rows);
        Assert.Equal(1, tail.Rotations);
        Assert.Equal(4, cell.ThroughputRows);
    }
}
