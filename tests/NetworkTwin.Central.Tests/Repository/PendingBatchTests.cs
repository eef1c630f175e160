using NetworkTwin.Central.Repository;
using NetworkTwin.Contracts.Sync;

namespace NetworkTwin.Central.Tests.Repository;

public sealed class PendingBatchTests
{
    private static List<PendingBatch> Group(int count) =>
        [.. Enumerable.Range(1, count).Select(a => new PendingBatch($"du-{a}", [new Result { Sequence = 1, ProducedUnixMs = 1000, Link = new LinkCapacity { LinkId = 1 } }], null))];

    [Fact]
    public async Task CommitAsync_AnErrorOneBatchMayHaveCaused_TriesEachAlone_SoOnlyThatOneFails()
    {
        var group = Group(4);
        var calls = 0;

        await PendingBatch.CommitAsync(
            group,
            batches =>
            {
                calls++;
                return batches.Any(b => b.AgentId == "du-3")
                    ? throw new InvalidDataException("du-3's batch is refused")
                    : Task.FromResult(batches.Select(_ => (1, 1L)).ToArray());
            },
            ex => ex is InvalidDataException);

        Assert.Equal(5, calls);
        Assert.All(group.Where(b => b.AgentId != "du-3"), b => Assert.Equal((1, 1L), b.Outcome.Task.Result));
        Assert.IsType<InvalidDataException>(group[2].Outcome.Task.Exception!.InnerException);
    }

    [Fact]
    public async Task CommitAsync_AnErrorNoBatchCaused_FailsTheWholeGroupAtOnce()
    {
        var group = Group(4);
        var calls = 0;

        await PendingBatch.CommitAsync(
            group,
            _ =>
            {
                calls++;
                throw new TimeoutException("the database cannot be reached");
            },
            ex => ex is InvalidDataException);

        // One try, not one more per batch (each would wait for its own connection timeout while the agents wait).
        Assert.Equal(1, calls);
        Assert.All(group, b => Assert.IsType<TimeoutException>(b.Outcome.Task.Exception!.InnerException));
    }
}
