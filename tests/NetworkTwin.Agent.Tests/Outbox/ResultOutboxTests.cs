using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using NetworkTwin.Agent.Outbox;
using NetworkTwin.Contracts.Sync;
using NetworkTwin.Mqtt.Tests;

namespace NetworkTwin.Agent.Tests.Outbox;

public sealed class ResultOutboxTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nt-outbox-").FullName;

    private string File => Path.Combine(_dir, "outbox.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private static Result Link(int id) => new() { ProducedUnixMs = 1000 + id, Link = new LinkCapacity { LinkId = id, CapacityGbps = id * 1.5 } };

    [Fact]
    public void Append_AssignsIncreasingSequences_PeekReturnsOldestFirst()
    {
        using var outbox = new ResultOutbox(File, 1000, NullLogger.Instance);

        var first = outbox.Append([Link(1), Link(2)]);
        var second = outbox.Append([Link(3)]);
        var peeked = outbox.Peek(10);

        Assert.Equal([1L, 2L, 3L], first.Concat(second));
        Assert.Equal([1, 2, 3], peeked.Select(r => r.Link.LinkId));
        Assert.Equal([1L, 2L, 3L], peeked.Select(r => r.Sequence));
    }

    [Fact]
    public void Acknowledge_DeletesThroughTheSequence_AndSequencesAreNeverReused()
    {
        using (var outbox = new ResultOutbox(File, 1000, NullLogger.Instance))
        {
            outbox.Append([Link(1), Link(2), Link(3)]);
            Assert.Equal(3, outbox.AcknowledgeThrough(3));
        }

        // A restart after everything was acknowledged continues the numbering.
        using var reopened = new ResultOutbox(File, 1000, NullLogger.Instance);
        var next = reopened.Append([Link(4)]);

        var counts = reopened.Counts();
        Assert.Equal([4L], next);
        Assert.Equal((1L, 0L, 4L), (counts.Pending, counts.Dropped, counts.LastSequence));
    }

    [Fact]
    public void Append_WithoutCleanShutdown_IsStillThereForTheNextProcess()
    {
        var crashed = new ResultOutbox(File, 1000, NullLogger.Instance);
        crashed.Append([Link(1), Link(2)]);

        // No Dispose: the committed transaction is in the WAL, which the next open replays.
        using var next = new ResultOutbox(File, 1000, NullLogger.Instance);

        Assert.Equal([1, 2], next.Peek(10).Select(r => r.Link.LinkId));
        crashed.Dispose();
    }

    [Fact]
    public void Bound_DropsTheOldest_CountsThemAndKeepsTheNewest()
    {
        var log = new ListLogger();
        using var outbox = new ResultOutbox(File, 100, log);

        for (var i = 0; i < 130; i++)
        {
            outbox.Append([Link(i)]);
        }

        var counts = outbox.Counts();
        Assert.Equal((100L, 30L, 130L), (counts.Pending, counts.Dropped, counts.LastSequence));
        Assert.Equal(30, outbox.Peek(1)[0].Link.LinkId);
        Assert.Contains(log.Lines, l => l.Level == Microsoft.Extensions.Logging.LogLevel.Error && l.Message.Contains("dropped the 1 oldest", StringComparison.Ordinal));
    }
}
