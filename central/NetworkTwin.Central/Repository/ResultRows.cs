using Google.Protobuf;
using NetworkTwin.Contracts.Sync;

namespace NetworkTwin.Central.Repository;

/// <summary>
/// A result as the dialects' batch writers store it, and the SQL they share: the row, the newest-of-each upsert and
/// the agent's counts.
/// </summary>
internal static class ResultRows
{
    /// <summary>The columns of a result row, in the order the dialects' inserts give them.</summary>
    internal const string ResultColumns = "agent_id, sequence, produced_unix_ms, kind, payload, received_at, link_id, cell_id, trace_parent";

    /// <summary>The highest sequence stored for @agent (0 when none).</summary>
    internal const string StoredThroughSql = "SELECT COALESCE(MAX(sequence), 0) FROM results WHERE agent_id = @agent";

    /// <summary>The statement that marks an agent seen (@agent, @now) as a batch of it is stored, with how many the batch added and the agent's new stored-through, as each dialect writes them.</summary>
    internal static string MarkSeen(string inserted, string storedThrough) =>
        $"UPDATE agents SET last_seen = @now, results_stored = results_stored + {inserted}, stored_through = {storedThrough} WHERE agent_id = @agent";

    /// <summary>
    /// Keeps the newest result of each (@agent, @kind, @subject): inserted, or replacing an older one; a resent or late
    /// result leaves a newer one alone. The dialects give the values (@seq, @produced, @payload, @trace) or a SELECT.
    /// </summary>
    internal static string UpsertLatest(string rows) => $"""
        INSERT INTO latest_results (agent_id, kind, subject_id, sequence, produced_unix_ms, payload, trace_parent) {rows}
        ON CONFLICT (agent_id, kind, subject_id) DO UPDATE SET sequence = excluded.sequence, produced_unix_ms = excluded.produced_unix_ms,
            payload = excluded.payload, trace_parent = excluded.trace_parent
        WHERE excluded.sequence > latest_results.sequence
        """;

    /// <summary>A result as its row: the columns, and what it is the newest of besides its agent and kind (a link, a cell or a link's forecast; null: not kept as newest).</summary>
    internal readonly record struct StoredRow(long Sequence, long ProducedUnixMs, string Kind, byte[] Payload, int? Link, int? Cell, int? Subject);

    /// <summary>The rows of a batch: serialised by the caller, off the writer's path.</summary>
    internal static StoredRow[] RowsOf(IReadOnlyList<Result> results)
    {
        var rows = new StoredRow[results.Count];
        for (var i = 0; i < rows.Length; i++)
        {
            var r = results[i];
            var (kind, link, cell, subject) = r.BodyCase switch
            {
                Result.BodyOneofCase.Link => ("Link", r.Link.LinkId, (int?)null, r.Link.LinkId),
                Result.BodyOneofCase.Cell => ("Cell", null, r.Cell.CellId, r.Cell.CellId),
                Result.BodyOneofCase.Forecast => ("Forecast", null, null, r.Forecast.LinkId),
                var other => (other.ToString(), (int?)null, (int?)null, (int?)null),
            };
            rows[i] = new StoredRow(r.Sequence, r.ProducedUnixMs, kind, r.ToByteArray(), link, cell, subject);
        }

        return rows;
    }

    /// <summary>The newest row of each (kind, subject) in a batch, by sequence.</summary>
    internal static IEnumerable<StoredRow> NewestBySubject(StoredRow[] rows) => rows
        .Where(r => r.Subject is not null)
        .GroupBy(r => (r.Kind, r.Subject))
        .Select(g => g.MaxBy(r => r.Sequence));
}
