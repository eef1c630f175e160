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

    /// <summary>
    /// A real full disk: the outbox on a 512 KiB tmpfs, the rest of it filled. Mounting needs root, as CI and the
    /// packaged service have; elsewhere the test has nothing to stand on and says so in its output.
    /// </summary>
    [Fact]
    public async Task Append_DiskFull_ResultsWaitInMemory_StoredInOrderOnceThereIsRoom()
    {
        if (Environment.UserName != "root")
        {
            return;
        }

        var disk = Directory.CreateDirectory(Path.Combine(_dir, "small")).FullName;
        Assert.Equal(0, await RunAsync("mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", disk));
        try
        {
            var logger = new ListLogger();
            using (var outbox = new ResultOutbox(Path.Combine(disk, "outbox.db"), 1_000_000, logger))
            {
                outbox.Append([Link(1)]);
                var filler = Path.Combine(disk, "filler");
                await using (var fill = new FileStream(filler, FileMode.Create))
                {
                    try
                    {
                        for (var block = new byte[4096]; ;)
                        {
                            fill.Write(block);
                            fill.Flush();
                        }
                    }
                    catch (IOException)
                    {
                        // The disk is full.
                    }
                }

                var whileFull = new List<long>();
                for (var i = 2; i <= 400; i++)
                {
                    whileFull.AddRange(outbox.Append([Link(i)]));
                }

                var pendingWhileFull = outbox.Counts().Pending;
                System.IO.File.Delete(filler);
                var afterwards = outbox.Append([Link(401)]);
                var stored = outbox.Peek(1000);

                Assert.True(whileFull.Count < 399, $"the disk was not full: {whileFull.Count} results stored");
                Assert.Equal(400, pendingWhileFull);
                Assert.Equal(Enumerable.Range(1, 401), stored.Select(r => r.Link.LinkId));
                Assert.Equal(Enumerable.Range(1, 401).Select(i => (long)i), stored.Select(r => r.Sequence));
                Assert.Equal(401, afterwards[^1]);
                Assert.True(logger.Contains("Cannot write the outbox"));
                Assert.True(logger.Contains("is writable again: 399 result(s) held in memory are stored"));
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            await RunAsync("umount", "-l", disk);
        }
    }

    private static async Task<int> RunAsync(string file, params string[] args)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(file, args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        await process.WaitForExitAsync();
        return process.ExitCode;
    }

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
