using System.Data.Common;
using System.Globalization;
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

    /// <summary>
    /// The highest sequence stored for @agent (0 when none) before the statement: the agent's own count, which outlives the
    /// results retention removes (an agent that never registered: its highest result).
    /// </summary>
    internal static readonly string StoredThroughSql = StoredThroughOf("@agent");

    /// <summary><see cref="StoredThroughSql"/> for the agent <paramref name="agent"/> names (a parameter, or a column of the statement's rows).</summary>
    internal static string StoredThroughOf(string agent) =>
        $"SELECT COALESCE((SELECT stored_through FROM agents WHERE agent_id = {agent}), (SELECT MAX(sequence) FROM results WHERE agent_id = {agent}), 0)";

    /// <summary><see cref="StoredThroughSql"/> for one agent, on the connection given (the writer's, inside its work).</summary>
    internal static long StoredThrough(DbConnection connection, string agentId) =>
        Convert.ToInt64(Sql.Scalar(connection, null, StoredThroughSql, ("agent", agentId)), CultureInfo.InvariantCulture);

    /// <summary>
    /// The statement that marks an agent seen (@agent, @now) as a batch of it is stored, with how many the batch added and the
    /// agent's new stored-through, as each dialect writes them. A statement that marks several agents at once names them,
    /// their times and the rows it reads them from (<paramref name="from"/>, PostgreSQL's UPDATE ... FROM).
    /// </summary>
    internal static string MarkSeen(string inserted, string storedThrough, string agent = "@agent", string now = "@now", string? from = null) =>
        $"UPDATE agents SET last_seen = {now}, results_stored = results_stored + {inserted}, stored_through = {storedThrough}{(from is null ? "" : $" FROM {from}")} WHERE agent_id = {agent}";

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
    internal readonly record struct StoredRow(long Sequence, long ProducedUnixMs, string Kind, byte[] Payload, int? Link, int? Cell, int? Subject, LinkFigures Figures = default);

    /// <summary>What a link result's window measured, as the rollups keep it (loss NaN: not known).</summary>
    internal readonly record struct LinkFigures(double CapacityGbps, double MeanGbps, double PeakGbps, double LossPercent, double TargetGbps);

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
            var figures = r.BodyCase == Result.BodyOneofCase.Link
                ? new LinkFigures(r.Link.CapacityGbps, r.Link.MeanGbps, r.Link.PeakGbps, r.Link.ObservedLossPercent, r.Link.TargetGbps)
                : default;
            rows[i] = new StoredRow(r.Sequence, r.ProducedUnixMs, kind, r.ToByteArray(), link, cell, subject, figures);
        }

        return rows;
    }

    /// <summary>The newest row of each (kind, subject) in a batch, by sequence.</summary>
    internal static IEnumerable<StoredRow> NewestBySubject(StoredRow[] rows) => rows
        .Where(r => r.Subject is not null)
        .GroupBy(r => (r.Kind, r.Subject))
        .Select(g => g.MaxBy(r => r.Sequence));

    /// <summary>The rollup buckets kept for every link, in seconds: ten seconds (what the control pass and what-if runs read over their lookback), a minute and an hour (the dashboard and history).</summary>
    internal static readonly int[] RollupSeconds = [IngestRollupSeconds, 60, 3600];

    /// <summary>
    /// The width the ingest path keeps as batches are stored: ten seconds. The minute and hour rollups are derived from it
    /// by <see cref="ResultStore.RollUp"/> every few seconds, so a batch updates one row per link, not three (each update
    /// of a PostgreSQL row writes a new version of it: three per link per batch halved the fleet's ingest).
    /// </summary>
    internal const int IngestRollupSeconds = 10;

    /// <summary>The start of the bucket <paramref name="widthMs"/> wide that holds <paramref name="unixMs"/> (buckets begin at multiples of the width, before 1970 too).</summary>
    internal static long BucketStart(long unixMs, long widthMs) => unixMs - (((unixMs % widthMs) + widthMs) % widthMs);

    /// <summary>The columns of a rollup row, in the order the dialects' upserts give them.</summary>
    internal const string RollupColumns = "bucket_seconds, bucket_unix_ms, agent_id, link_id, windows, first_unix_ms, last_unix_ms, capacity_max, mean_sum, mean_max, peak_max, loss_windows, loss_sum, loss_max, target_gbps";

    /// <summary>
    /// Adds a batch's newly stored windows to their links' rollups (the dialects give the rows, one per bucket and link,
    /// and name their two-argument maximum and minimum): counts and sums add, extremes widen, the target is the one in
    /// force at the newest window.
    /// </summary>
    internal static string UpsertRollups(string rows, string greatest, string least) => $"""
        INSERT INTO link_rollups ({RollupColumns}) {rows}
        ON CONFLICT (bucket_seconds, bucket_unix_ms, agent_id, link_id) DO UPDATE SET
            windows = link_rollups.windows + excluded.windows,
            first_unix_ms = {least}(link_rollups.first_unix_ms, excluded.first_unix_ms),
            last_unix_ms = {greatest}(link_rollups.last_unix_ms, excluded.last_unix_ms),
            capacity_max = {greatest}(link_rollups.capacity_max, excluded.capacity_max),
            mean_sum = link_rollups.mean_sum + excluded.mean_sum,
            mean_max = {greatest}(link_rollups.mean_max, excluded.mean_max),
            peak_max = {greatest}(link_rollups.peak_max, excluded.peak_max),
            loss_windows = link_rollups.loss_windows + excluded.loss_windows,
            loss_sum = link_rollups.loss_sum + excluded.loss_sum,
            loss_max = {greatest}(link_rollups.loss_max, excluded.loss_max),
            target_gbps = CASE WHEN excluded.last_unix_ms >= link_rollups.last_unix_ms THEN excluded.target_gbps ELSE link_rollups.target_gbps END
        """;

    /// <summary>One link's windows in one ten-second bucket, as a batch adds them to the rollups.</summary>
    internal readonly record struct RollupRow(
        long BucketUnixMs, int LinkId, long Windows, long FirstUnixMs, long LastUnixMs, double CapacityMax,
        double MeanSum, double MeanMax, double PeakMax, long LossWindows, double LossSum, double LossMax, double TargetGbps);

    /// <summary>The rollup rows of the link windows a batch stored (only those stored: a resent window counts once).</summary>
    internal static List<RollupRow> RollupsOf(IEnumerable<StoredRow> stored)
    {
        var rollups = new List<RollupRow>();
        var at = new Dictionary<(long Bucket, int Link), int>();
        foreach (var r in stored)
        {
            if (r.Link is not { } link)
            {
                continue;
            }

            var f = r.Figures;
            var lossKnown = !double.IsNaN(f.LossPercent);
            var key = (BucketStart(r.ProducedUnixMs, IngestRollupSeconds * 1000L), link);
            if (!at.TryGetValue(key, out var index))
            {
                at[key] = rollups.Count;
                rollups.Add(new RollupRow(
                    key.Item1, link, 1, r.ProducedUnixMs, r.ProducedUnixMs, f.CapacityGbps, f.MeanGbps, f.MeanGbps, f.PeakGbps,
                    lossKnown ? 1 : 0, lossKnown ? f.LossPercent : 0, lossKnown ? f.LossPercent : 0, f.TargetGbps));
                continue;
            }

            var b = rollups[index];
            rollups[index] = b with
            {
                Windows = b.Windows + 1,
                FirstUnixMs = Math.Min(b.FirstUnixMs, r.ProducedUnixMs),
                LastUnixMs = Math.Max(b.LastUnixMs, r.ProducedUnixMs),
                CapacityMax = Math.Max(b.CapacityMax, f.CapacityGbps),
                MeanSum = b.MeanSum + f.MeanGbps,
                MeanMax = Math.Max(b.MeanMax, f.MeanGbps),
                PeakMax = Math.Max(b.PeakMax, f.PeakGbps),
                LossWindows = b.LossWindows + (lossKnown ? 1 : 0),
                LossSum = b.LossSum + (lossKnown ? f.LossPercent : 0),
                LossMax = lossKnown && (b.LossWindows == 0 || f.LossPercent > b.LossMax) ? f.LossPercent : b.LossMax,
                TargetGbps = r.ProducedUnixMs >= b.LastUnixMs ? f.TargetGbps : b.TargetGbps,
            };
        }

        return rollups;
    }
}
