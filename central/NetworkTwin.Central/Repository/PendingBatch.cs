using NetworkTwin.Contracts.Sync;
using static NetworkTwin.Central.Repository.ResultRows;

namespace NetworkTwin.Central.Repository;

/// <summary>
/// An agent's batch of results waiting for a group commit, and what becomes of it. Both dialects queue the batches that
/// arrive while a commit runs and store them together in the next transaction.
/// </summary>
internal sealed class PendingBatch
{
    /// <summary>Worked out by the caller (the uplink handler), off the commit's path.</summary>
    public PendingBatch(string agentId, IReadOnlyList<Result> results, string? traceParent)
    {
        AgentId = agentId;
        Rows = RowsOf(results);
        Rollups = [.. RollupsOf(Rows)];
        TraceParent = string.IsNullOrEmpty(traceParent) ? null : traceParent;
    }

    public string AgentId { get; }

    public StoredRow[] Rows { get; }

    /// <summary>The batch's rollups were every row new (the usual case).</summary>
    public RollupRow[] Rollups { get; }

    /// <summary>The W3C traceparent kept with the batch's link results, or null.</summary>
    public string? TraceParent { get; }

    /// <summary>When the coordinator received the batch, as stored times are written.</summary>
    public string ReceivedAt { get; } = Sql.Now();

    /// <summary>Completed off the committer, so no uplink handler runs on it.</summary>
    public TaskCompletionSource<(int Inserted, long StoredThrough)> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Commits the batches in one transaction with <paramref name="inOneTransaction"/> (the outcome of each, in order). When
    /// that fails with an error one batch may have caused (<paramref name="mayBeOneBatch"/>; by default any), each is tried
    /// alone, so one batch cannot fail another agent's; any other error (the database unreachable) fails every batch of the
    /// group at once rather than each after its own wait. Every batch gets its outcome or its error.
    /// </summary>
    public static async Task CommitAsync(
        IReadOnlyList<PendingBatch> group,
        Func<IReadOnlyList<PendingBatch>, Task<(int Inserted, long StoredThrough)[]>> inOneTransaction,
        Func<Exception, bool>? mayBeOneBatch = null)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(inOneTransaction);
        try
        {
            var outcomes = await inOneTransaction(group).ConfigureAwait(false);
            for (var i = 0; i < group.Count; i++)
            {
                group[i].Outcome.SetResult(outcomes[i]);
            }
        }
        catch (Exception ex) when (group.Count > 1 && (mayBeOneBatch?.Invoke(ex) ?? true))
        {
            foreach (var batch in group)
            {
                try
                {
                    batch.Outcome.SetResult((await inOneTransaction([batch]).ConfigureAwait(false))[0]);
                }
                catch (Exception alone)
                {
                    batch.Outcome.SetException(alone);
                }
            }
        }
        catch (Exception ex)
        {
            foreach (var batch in group)
            {
                batch.Outcome.SetException(ex);
            }
        }
    }
}
