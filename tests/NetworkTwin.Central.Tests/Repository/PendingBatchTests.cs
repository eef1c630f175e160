using NetworkTwin.Central.Repository;
using NetworkTwin.Contracts.Sync;

namespace NetworkTwin.Central.Tests.Repository;

public sealed class PendingBatchTests
{
    private static List<PendingBatch> Group(int count) =>
        [.. Enumerable.Range(1, count).Select(a => new PendingBatch($"du-{a}", [new Result { Sequence = 1, ProducedUnixMs = 1000, Link = new LinkCapacity { LinkId = 1 } }], null))];

    /// <summary>Commits the group with <paramref name="transaction"/>, an <see cref="InvalidDataException"/> being one batch's error; returns how many transactions were tried.</summary>
    private static async Task<int> CommitCountingTriesAsync(List<PendingBatch> group, Func<IReadOnlyList<PendingBatch>, (int, long)[]> transaction)
    {
        var tries = 0;
        await PendingBatch.CommitAsync(
            group,
            batches =>
            {
                tries++;
                return Task.FromResult(transaction(batches));
            },
            ex => ex is InvalidDataException);
        return tries;
    }

    [Fact]
    public async Task CommitAsync_AnErrorOneBatchMayHaveCaused_TriesEachAlone_SoOnlyThatOneFails()
    {
        var group = Group(4);

        var tries = await CommitCountingTriesAsync(group, batches => batches.Any(b => b.AgentId == "du-3")
            ? throw new InvalidDataException("du-3's batch is refused")
            : [.. batches.Select(_ => (1, 1L))]);

        Assert.Equal(5, tries);
        Assert.All(group.Where(b => b.AgentId != "du-3"), b => Assert.Equal((1, 1L), b.Outcome.Task.Result));
        Assert.IsType<InvalidDataException>(group[2].Outcome.Task.Exception!.InnerException);
    }

    [Fact]
    public async Task CommitAsync_AnErrorNoBatchCaused_FailsTheWholeGroupAtOnce()
    {
        var group = Group(4);

        var tries = await CommitCountingTriesAsync(group, _ => throw new TimeoutException("the database cannot be reached"));

        // One try, not one more per batch (each would wait for its own connection timeout while the agents wait).
        Assert.Equal(1, tries);
        Assert.All(group, b => Assert.IsType<TimeoutException>(b.Outcome.Task.Exception!.InnerException));
    }
}
