using System.Globalization;
using NetworkTwin.Contracts.Operators;
using NetworkTwin.Contracts.Sync;
using static NetworkTwin.Central.Repository.Sql;

namespace NetworkTwin.Central.Repository;

/// <summary>
/// The agents' results, each stored once by (agent id, sequence), and the reads of them: the newest link, cell and
/// forecast, the history the control pass and training learn from, and the loss evidence discovery correlates.
/// </summary>
public sealed class ResultStore(CoordinatorRepository database) : RepositoryStore(database)
{
    /// <summary>
    /// Stores a batch atomically: the results not stored yet, and the agent's last-seen time. Returns how many were new and
    /// the highest sequence stored for the agent, which the agent's outbox trusts: everything through it is kept.
    /// </summary>
    /// <param name="agentId">The agent the batch came from.</param>
    /// <param name="results">The batch.</param>
    /// <param name="traceParent">The W3C traceparent of the span storing it, kept with its link results (empty or null: not traced).</param>
    public Task<(int Inserted, long StoredThrough)> StoreAsync(string agentId, IReadOnlyList<Result> results, string? traceParent = null) =>
        Database.WriteResultsAsync(agentId, results, traceParent);

    /// <summary><see cref="StoreAsync"/>, waited for (tests and tools).</summary>
    public (int Inserted, long StoredThrough) Store(string agentId, IReadOnlyList<Result> results, string? traceParent = null) =>
        StoreAsync(agentId, results, traceParent).GetAwaiter().GetResult();

    /// <summary>Highest sequence stored for an agent (0 when none).</summary>
    public long StoredThrough(string agentId) => Run(connection => ResultRows.StoredThrough(connection, agentId));

    /// <summary>All sequences stored for an agent, in order (for checks and the operators' tools).</summary>
    public IReadOnlyList<long> Sequences(string agentId) => Query(
        "SELECT sequence FROM results WHERE agent_id = @agent ORDER BY sequence",
        reader => reader.GetInt64(0),
        ("agent", agentId));

    /// <summary>
    /// Every agent's current links, optionally for one site: the newest capacity result of each (agent, link),
    /// less the links whose cells a newer window of the same agent put on another link. A cell is on one link
    /// at a time, so a link from a first, partial window (cells 7 and 8 alone, say, before the window filled
    /// and put them with 5 and 6) is gone once a newer result claims its cells.
    /// </summary>
    public IReadOnlyList<LinkSummary> LatestLinks(string? site)
    {
        var newest = Query(
            """
            SELECT l.agent_id, a.site, l.produced_unix_ms, l.payload, l.trace_parent
            FROM latest_results l JOIN agents a ON a.agent_id = l.agent_id
            WHERE l.kind = 'Link' AND (@site = '' OR a.site = @site)
            ORDER BY a.site, l.agent_id, l.subject_id
            """,
            reader => new LinkSummary
            {
                AgentId = reader.GetString(0),
                Site = reader.GetString(1),
                ProducedUnixMs = reader.GetInt64(2),
                Link = Result.Parser.ParseFrom((byte[])reader.GetValue(3)).Link,
                TraceParent = reader.IsDBNull(4) ? string.Empty : reader.GetString(4),
            },
            ("site", site ?? string.Empty));
        // Compared within each agent only: the estate's links are not compared with each other.
        return [.. newest.GroupBy(l => l.AgentId).SelectMany(agent => agent.Where(l => !agent.Any(other => other.ProducedUnixMs > l.ProducedUnixMs && other.Link.Cells.Intersect(l.Link.Cells).Any())))];
    }

    /// <summary>
    /// Every agent link's rollups of <paramref name="bucketSeconds"/> (10, 60 or 3600) whose bucket ends after
    /// <paramref name="sinceUnixMs"/>, optionally of one agent: by agent and link, oldest bucket first. O(links x buckets)
    /// whatever the window rate.
    /// </summary>
    public IReadOnlyList<LinkRollup> LinkRollups(long sinceUnixMs, int bucketSeconds, string? agentId = null)
    {
        if (!ResultRows.RollupSeconds.Contains(bucketSeconds))
        {
            throw new ArgumentOutOfRangeException(nameof(bucketSeconds), bucketSeconds, $"rollups are kept for {string.Join(" and ", ResultRows.RollupSeconds)} s");
        }

        return Query(
            $"""
            SELECT {RollupReadColumns}
            FROM link_rollups r JOIN agents a ON a.agent_id = r.agent_id
            WHERE r.bucket_seconds = @seconds AND r.bucket_unix_ms > @since - @width AND (@agent = '' OR r.agent_id = @agent)
            ORDER BY r.agent_id, r.link_id, r.bucket_unix_ms
            """,
            reader => RollupOf(reader, bucketSeconds),
            ("seconds", bucketSeconds),
            ("since", sinceUnixMs),
            ("width", bucketSeconds * 1000L),
            ("agent", agentId ?? string.Empty));
    }

    /// <summary>The columns <see cref="RollupOf"/> reads, of rollups as <c>r</c> and their agent as <c>a</c>.</summary>
    private const string RollupReadColumns = """
        r.agent_id, a.site, r.link_id, r.bucket_unix_ms, r.windows, r.first_unix_ms, r.last_unix_ms, r.capacity_max,
        r.mean_sum, r.mean_max, r.peak_max, r.loss_windows, r.loss_sum, r.loss_max, r.target_gbps
        """;

    /// <summary>A rollup as <see cref="RollupReadColumns"/> read it: the sums become means.</summary>
    private static LinkRollup RollupOf(System.Data.Common.DbDataReader reader, int bucketSeconds)
    {
        var windows = reader.GetInt64(4);
        var lossWindows = reader.GetInt64(11);
        return new LinkRollup(
            reader.GetString(0),
            reader.GetString(1),
            reader.GetInt32(2),
            bucketSeconds,
            reader.GetInt64(3),
            windows,
            reader.GetInt64(5),
            reader.GetInt64(6),
            reader.GetDouble(7),
            reader.GetDouble(8) / windows,
            reader.GetDouble(9),
            reader.GetDouble(10),
            lossWindows > 0 ? reader.GetDouble(12) / lossWindows : double.NaN,
            lossWindows > 0 ? reader.GetDouble(13) : double.NaN,
            reader.GetDouble(14));
    }

    /// <summary>
    /// Derives the minute rollups from the ten-second ones, and the hour rollups from the minute ones, for the buckets from
    /// the one holding <paramref name="fromUnixMs"/> on, each recomputed whole (so running it again changes nothing, and a
    /// ten-second bucket that grew since is counted once). Returns the rows written.
    /// </summary>
    public int RollUp(long fromUnixMs) => Run(connection =>
    {
        using var transaction = connection.BeginTransaction();
        var written = 0;
        // Each width from the next narrower one: minutes from ten seconds, hours from minutes.
        foreach (var (from, to) in ResultRows.RollupSeconds.Zip(ResultRows.RollupSeconds.Skip(1)))
        {
            var width = to * 1000L;
            written += Execute(
                connection,
                transaction,
                DeriveRollupsSql,
                ("source", from),
                ("target", to),
                ("width", width),
                ("from", ResultRows.BucketStart(fromUnixMs, width)));
        }

        transaction.Commit();
        return written;
    });

    /// <summary>One width's rollups from the next narrower one's (@source, @target seconds, @width ms), from @from: sums add, extremes widen, the target is the newest's.</summary>
    /// <remarks>The SELECT keeps a WHERE (1 = 1): without one, SQLite may read ON CONFLICT's ON as a join's (its documented upsert parsing ambiguity).</remarks>
    private static readonly string DeriveRollupsSql = $"""
        WITH narrow AS (
            SELECT bucket_unix_ms - ((bucket_unix_ms % @width) + @width) % @width AS bucket, agent_id, link_id, windows, first_unix_ms, last_unix_ms,
                   capacity_max, mean_sum, mean_max, peak_max, loss_windows, loss_sum, loss_max, target_gbps,
                   ROW_NUMBER() OVER (PARTITION BY agent_id, link_id, bucket_unix_ms - ((bucket_unix_ms % @width) + @width) % @width ORDER BY last_unix_ms DESC) AS newest
            FROM link_rollups WHERE bucket_seconds = @source AND bucket_unix_ms >= @from)
        INSERT INTO link_rollups ({ResultRows.RollupColumns})
        SELECT @target, bucket, agent_id, link_id, SUM(windows), MIN(first_unix_ms), MAX(last_unix_ms), MAX(capacity_max), SUM(mean_sum), MAX(mean_max),
               MAX(peak_max), SUM(loss_windows), SUM(loss_sum), MAX(loss_max), MAX(CASE WHEN newest = 1 THEN target_gbps END)
        FROM narrow WHERE 1 = 1 GROUP BY bucket, agent_id, link_id
        ON CONFLICT (bucket_seconds, bucket_unix_ms, agent_id, link_id) DO UPDATE SET
            windows = excluded.windows, first_unix_ms = excluded.first_unix_ms, last_unix_ms = excluded.last_unix_ms,
            capacity_max = excluded.capacity_max, mean_sum = excluded.mean_sum, mean_max = excluded.mean_max, peak_max = excluded.peak_max,
            loss_windows = excluded.loss_windows, loss_sum = excluded.loss_sum, loss_max = excluded.loss_max, target_gbps = excluded.target_gbps
        """;

    /// <summary>
    /// The settle rule, once, for the control pass and the what-if runs (parameters @since, @settle in ms): <c>s</c> holds
    /// every agent link's ten-second rollups with windows produced since @since, each with <c>since</c>, when the link's
    /// first window in the lookback came (@since if it was there before), and <c>settled</c> (1: every window of the bucket
    /// came at least @settle after that; a link's first windows are partial, its cells still arriving).
    /// </summary>
    private static readonly string SettledBucketsSql = $"""
        w AS (
            SELECT {ResultRows.RollupColumns} FROM link_rollups
            WHERE bucket_seconds = {ResultRows.IngestRollupSeconds} AND bucket_unix_ms > @since - {ResultRows.IngestRollupSeconds * 1000} AND last_unix_ms >= @since),
        f AS (
            SELECT agent_id, link_id, CASE WHEN MIN(first_unix_ms) < @since THEN @since ELSE MIN(first_unix_ms) END AS since
            FROM w GROUP BY agent_id, link_id),
        s AS (
            SELECT w.*, f.since, CASE WHEN w.first_unix_ms >= f.since + @settle THEN 1 ELSE 0 END AS settled
            FROM w JOIN f ON f.agent_id = w.agent_id AND f.link_id = w.link_id)
        """;

    /// <summary>
    /// What the control pass needs of every agent link over a lookback from <paramref name="sinceUnixMs"/>, worked out by the
    /// database from the ten-second rollups so that O(links) rows come back: when the link's first window in the lookback
    /// came, and over the buckets wholly after its first <paramref name="settleSeconds"/>, the largest capacity needed and
    /// the largest mean load (null: no such bucket yet).
    /// </summary>
    internal IReadOnlyList<LinkNeed> LinkNeeds(long sinceUnixMs, double settleSeconds) => Query(
        $"""
        WITH {SettledBucketsSql}
        SELECT agent_id, link_id, since,
               MAX(CASE WHEN settled = 1 THEN capacity_max END),
               MAX(CASE WHEN settled = 1 THEN mean_max END)
        FROM s GROUP BY agent_id, link_id, since
        """,
        reader => new LinkNeed(
            reader.GetString(0),
            reader.GetInt32(1),
            reader.GetInt64(2),
            reader.IsDBNull(3) ? null : reader.GetDouble(3),
            reader.IsDBNull(4) ? null : reader.GetDouble(4)),
        ("since", sinceUnixMs),
        ("settle", (long)(settleSeconds * 1000)));

    /// <summary>
    /// Every agent link's ten-second rollups with windows produced since <paramref name="sinceUnixMs"/>, by agent, link and
    /// time, each with when the link's first window in the lookback came and whether the bucket came after the link's first
    /// <paramref name="settleSeconds"/>: the rule <see cref="LinkNeeds"/> applies, with the buckets themselves back.
    /// </summary>
    internal IReadOnlyList<(LinkRollup Rollup, long SinceUnixMs, bool Settled)> SettledRollups(long sinceUnixMs, double settleSeconds) => Query(
        $"""
        WITH {SettledBucketsSql}
        SELECT {RollupReadColumns}, r.since, r.settled
        FROM s r JOIN agents a ON a.agent_id = r.agent_id
        ORDER BY r.agent_id, r.link_id, r.bucket_unix_ms
        """,
        reader => (RollupOf(reader, ResultRows.IngestRollupSeconds), reader.GetInt64(15), Convert.ToInt32(reader.GetValue(16), CultureInfo.InvariantCulture) == 1),
        ("since", sinceUnixMs),
        ("settle", (long)(settleSeconds * 1000)));

    /// <summary>Every agent's loss evidence produced since <paramref name="sinceUnixMs"/>.</summary>
    public IReadOnlyList<(string AgentId, string Site, CellLossEvents Events)> LossEvidence(long sinceUnixMs) => Query(
        """
        SELECT r.agent_id, a.site, r.payload
        FROM results r JOIN agents a ON a.agent_id = r.agent_id
        WHERE r.kind = 'Loss' AND r.produced_unix_ms >= @since
        """,
        reader => (reader.GetString(0), reader.GetString(1), Result.Parser.ParseFrom((byte[])reader.GetValue(2)).Loss),
        ("since", sinceUnixMs));

    /// <summary>The latest window result of every cell of every agent produced since <paramref name="sinceUnixMs"/>.</summary>
    public IReadOnlyList<(string AgentId, string Site, long ProducedUnixMs, CellWindow Cell)> LatestCells(long sinceUnixMs) => Query(
        """
        SELECT l.agent_id, a.site, l.produced_unix_ms, l.payload
        FROM latest_results l JOIN agents a ON a.agent_id = l.agent_id
        WHERE l.kind = 'Cell' AND l.produced_unix_ms >= @since
        ORDER BY a.site, l.agent_id, l.subject_id
        """,
        reader => (reader.GetString(0), reader.GetString(1), reader.GetInt64(2), Result.Parser.ParseFrom((byte[])reader.GetValue(3)).Cell),
        ("since", sinceUnixMs));

    /// <summary>
    /// The link loads (window means) the given agents reported since <paramref name="sinceUnixMs"/>, at most the newest
    /// <paramref name="perLink"/> of each (agent, link), by agent and link, oldest first: what the models learn from. Each
    /// link is read along its agent's key from its newest window back, so a read costs the windows it returns (and the
    /// agent's other results between them), not the estate's results in the time range.
    /// </summary>
    public IReadOnlyList<(string AgentId, int LinkId, long ProducedUnixMs, double MeanGbps, string Cells)> LinkLoads(IEnumerable<string> agentIds, long sinceUnixMs, int perLink)
    {
        ArgumentNullException.ThrowIfNull(agentIds);
        var loads = new List<(string AgentId, int LinkId, long ProducedUnixMs, double MeanGbps, string Cells)>();
        foreach (var agent in agentIds.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var links = Query(
                "SELECT subject_id FROM latest_results WHERE agent_id = @agent AND kind = 'Link' AND produced_unix_ms >= @since ORDER BY subject_id",
                reader => reader.GetInt32(0),
                ("agent", agent),
                ("since", sinceUnixMs));
            foreach (var linkId in links)
            {
                var newestFirst = Query(
                    """
                    SELECT produced_unix_ms, payload FROM results
                    WHERE agent_id = @agent AND link_id = @link AND produced_unix_ms >= @since
                    ORDER BY sequence DESC LIMIT @per
                    """,
                    reader =>
                    {
                        var link = Result.Parser.ParseFrom((byte[])reader.GetValue(1)).Link;
                        return (agent, link.LinkId, reader.GetInt64(0), link.MeanGbps, string.Join(',', link.Cells));
                    },
                    ("agent", agent),
                    ("link", linkId),
                    ("since", sinceUnixMs),
                    ("per", perLink));
                newestFirst.Reverse();
                loads.AddRange(newestFirst);
            }
        }

        return loads;
    }

    /// <summary>
    /// Every agent that reported a link since <paramref name="sinceUnixMs"/> (the agents a link-load model applies to), those
    /// with the most results stored first, ties by id: the longest live histories lead, which training samples. O(agents).
    /// </summary>
    public IReadOnlyList<string> AgentsWithLinks(long sinceUnixMs) => Query(
        """
        SELECT a.agent_id FROM agents a
        WHERE EXISTS (SELECT 1 FROM latest_results l WHERE l.agent_id = a.agent_id AND l.kind = 'Link' AND l.produced_unix_ms >= @since)
        ORDER BY a.results_stored DESC, a.agent_id
        """,
        reader => reader.GetString(0),
        ("since", sinceUnixMs));

    /// <summary>Forecasts produced since <paramref name="sinceUnixMs"/>, oldest first; with <paramref name="latestOnly"/> only the newest of each (agent, link).</summary>
    public IReadOnlyList<ForecastSummary> Forecasts(long sinceUnixMs, string? agentId, bool latestOnly) => latestOnly
        ? Query(
            """
            SELECT l.agent_id, a.site, l.produced_unix_ms, l.payload
            FROM latest_results l JOIN agents a ON a.agent_id = l.agent_id
            WHERE l.kind = 'Forecast' AND l.produced_unix_ms >= @since AND (@agent = '' OR l.agent_id = @agent)
            ORDER BY a.site, l.agent_id, l.subject_id
            """,
            ForecastOf,
            ("since", sinceUnixMs),
            ("agent", agentId ?? string.Empty))
        : [.. ForecastPage(sinceUnixMs, agentId, null, int.MaxValue).Select(f => f.Forecast)];

    /// <summary>A forecast row (agent, site, produced, payload) as the operators see it.</summary>
    private static ForecastSummary ForecastOf(System.Data.Common.DbDataReader reader) => new()
    {
        AgentId = reader.GetString(0),
        Site = reader.GetString(1),
        ProducedUnixMs = reader.GetInt64(2),
        Forecast = Result.Parser.ParseFrom((byte[])reader.GetValue(3)).Forecast,
    };

    /// <summary>
    /// Every forecast produced since <paramref name="sinceUnixMs"/> (of one agent, or all), by time, agent and sequence,
    /// after <paramref name="after"/> (null: from the first), at most <paramref name="limit"/>; each with its sequence, the
    /// key of the next page.
    /// </summary>
    public IReadOnlyList<(ForecastSummary Forecast, long Sequence)> ForecastPage(long sinceUnixMs, string? agentId, (long ProducedUnixMs, string AgentId, long Sequence)? after, int limit) => Query(
        """
        SELECT r.agent_id, a.site, r.produced_unix_ms, r.payload, r.sequence
        FROM results r JOIN agents a ON a.agent_id = r.agent_id
        WHERE r.kind = 'Forecast' AND r.produced_unix_ms >= @since AND (@agent = '' OR r.agent_id = @agent)
          AND (@first = 1 OR (r.produced_unix_ms, r.agent_id, r.sequence) > (@produced, @after, @sequence))
        ORDER BY r.produced_unix_ms, r.agent_id, r.sequence LIMIT @limit
        """,
        reader => (ForecastOf(reader), reader.GetInt64(4)),
        ("since", sinceUnixMs),
        ("agent", agentId ?? string.Empty),
        ("first", after is null ? 1 : 0),
        ("produced", after?.ProducedUnixMs ?? 0),
        ("after", after?.AgentId ?? string.Empty),
        ("sequence", after?.Sequence ?? 0),
        ("limit", limit));

    /// <summary>The effect an agent measured after applying a command, or null while none has arrived.</summary>
    public ControlEffect? EffectOf(string agentId, long commandId) => Query(
        "SELECT payload FROM results WHERE kind = 'Effect' AND agent_id = @agent ORDER BY sequence DESC LIMIT 50",
        reader => Result.Parser.ParseFrom((byte[])reader.GetValue(0)).Effect,
        ("agent", agentId)).FirstOrDefault(e => e.CommandId == commandId);

    /// <summary>
    /// Removes the results produced before <paramref name="beforeUnixMs"/>, and the newest-of-each rows as old (a link that
    /// has not reported since is gone); the agents' stored-through counts stay, so a resend of an expired result is still
    /// known as stored. Returns the rows deleted one by one and the days dropped whole.
    /// </summary>
    public (long Rows, int Days) Expire(long beforeUnixMs)
    {
        var expired = Database.ExpireResults(beforeUnixMs);
        var latest = Run(connection => Execute(connection, null, "DELETE FROM latest_results WHERE produced_unix_ms < @before", ("before", beforeUnixMs)));
        return (expired.Rows + latest, expired.Days);
    }

    /// <summary>Makes ready where the coming days' results go (a partition per day on PostgreSQL); returns how many were made.</summary>
    public int Prepare(long nowUnixMs) => Database.PrepareResults(nowUnixMs);

    /// <summary>Removes the <paramref name="bucketSeconds"/> rollups of buckets that began before <paramref name="beforeUnixMs"/>: one range of the key.</summary>
    public int ExpireRollups(int bucketSeconds, long beforeUnixMs) => Run(connection => Execute(
        connection,
        null,
        "DELETE FROM link_rollups WHERE bucket_seconds = @seconds AND bucket_unix_ms < @before",
        ("seconds", bucketSeconds),
        ("before", beforeUnixMs)));
}
