using System.Collections.Frozen;
using System.Data.Common;
using System.Globalization;
using System.Threading.Channels;
using NetworkTwin.Contracts.Sync;
using Npgsql;
using NpgsqlTypes;
using static NetworkTwin.Central.Repository.ResultRows;
using static NetworkTwin.Central.Repository.Sql;

namespace NetworkTwin.Central.Repository;

/// <summary>
/// The repository in PostgreSQL (production): pooled connections, so agents store concurrently; the batches waiting when
/// a committer is free go in together (a group commit), in one statement, INSERT ... SELECT FROM unnest(arrays), one
/// round trip and one transaction. The schema is the SQLite one step for step, in PostgreSQL's types.
/// </summary>
public sealed class PostgresRepository : CoordinatorRepository
{
    private readonly NpgsqlDataSource _source;

    /// <summary>The batches waiting for a committer.</summary>
    private readonly Channel<PendingBatch> _pending = Channel.CreateUnbounded<PendingBatch>();

    /// <summary>The committers, <c>Coordinator:Repository:ConcurrentStores</c> of them: each a transaction at a time.</summary>
    private readonly Task[] _committers;

    /// <param name="connectionString">An Npgsql connection string (Host, Port, Database, Username, Password, ...).</param>
    /// <param name="concurrentStores">Transactions storing uplink batches at once; the batches that arrive meanwhile wait and go in together (see <c>Coordinator:Repository:ConcurrentStores</c>).</param>
    public PostgresRepository(string connectionString, int concurrentStores = DefaultConcurrentStores)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrentStores, 1);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        Description = $"PostgreSQL {builder.Host}:{builder.Port}/{builder.Database} as {builder.Username}";
        if (builder.MaxAutoPrepare == 0)
        {
            // The same few statements run thousands of times a second: prepared on each connection after two uses, they are
            // planned once rather than every time (an operator's own Max Auto Prepare is kept).
            builder.MaxAutoPrepare = 64;
        }

        _source = NpgsqlDataSource.Create(builder);
        Migrate();
        _committers = [.. Enumerable.Range(0, concurrentStores).Select(_ => Task.Run(CommitLoopAsync))];
    }

    public override string Description { get; }

    /// <summary>The default of <c>Coordinator:Repository:ConcurrentStores</c>.</summary>
    public const int DefaultConcurrentStores = 8;

    public override IReadOnlyList<string> Migrations => PostgresMigrations;

    /// <summary>The schema migrations in PostgreSQL's types.</summary>
    internal static readonly string[] PostgresMigrations = RepositoryMigrations.Dialect(new Dictionary<string, string>
    {
        ["{int64}"] = "BIGINT",
        ["{real}"] = "DOUBLE PRECISION",
        ["{bytes}"] = "BYTEA",
        ["{identity}"] = "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
        ["{results by day}"] = """
            DROP INDEX results_loss_time;
            DROP INDEX results_link_time;
            DROP INDEX results_forecast_time;
            DROP INDEX results_effect_time;
            ALTER TABLE results RENAME TO results_undivided;
            ALTER TABLE results_undivided RENAME CONSTRAINT results_pkey TO results_undivided_pkey;
            CREATE TABLE results (
                agent_id TEXT NOT NULL,
                sequence BIGINT NOT NULL,
                produced_unix_ms BIGINT NOT NULL,
                kind TEXT NOT NULL,
                payload BYTEA NOT NULL,
                received_at TEXT NOT NULL,
                link_id INTEGER,
                cell_id INTEGER,
                trace_parent TEXT,
                PRIMARY KEY (agent_id, sequence, produced_unix_ms)) PARTITION BY RANGE (produced_unix_ms);
            CREATE TABLE results_default PARTITION OF results DEFAULT;
            CREATE INDEX results_loss_time ON results (produced_unix_ms) WHERE kind = 'Loss';
            CREATE INDEX results_link_time ON results (produced_unix_ms) WHERE link_id IS NOT NULL;
            CREATE INDEX results_forecast_time ON results (produced_unix_ms) WHERE kind = 'Forecast';
            CREATE INDEX results_effect_time ON results (produced_unix_ms) WHERE kind = 'Effect';
            INSERT INTO results SELECT agent_id, sequence, produced_unix_ms, kind, payload, received_at, link_id, cell_id, trace_parent FROM results_undivided;
            DROP TABLE results_undivided;
            """,
        ["{append-only audit}"] = """
            CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'the audit trail is append-only'; END $$;
            CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit FOR EACH ROW EXECUTE FUNCTION audit_append_only();
            CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
            """,
    });

    /// <summary>A transaction-scoped advisory lock: a second coordinator waits for the first one's migration.</summary>
    protected override string? MigrationLock => "SELECT pg_advisory_xact_lock(7070)";

    public override bool SharedByReplicas => true;

    /// <summary>The PostgreSQL channel that carries the agent id of each command issued.</summary>
    internal const string CommandChannel = "networktwin_commands";

    protected internal override void AnnounceCommand(string agentId) =>
        Run(connection => Execute(connection, null, $"SELECT pg_notify('{CommandChannel}', @agent)", ("agent", agentId)));

    protected internal override async Task ListenForCommandsAsync(Action<string> agentHasCommands, Action listening, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(agentHasCommands);
        ArgumentNullException.ThrowIfNull(listening);
        var connection = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            connection.Notification += (_, e) => agentHasCommands(e.Payload);
            var listen = new NpgsqlCommand($"LISTEN {CommandChannel}", connection);
            await using (listen.ConfigureAwait(false))
            {
                await listen.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            listening();
            while (true)
            {
                await connection.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    protected internal override string NowUnixMsSql => "(EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::bigint";

    protected internal override T Run<T>(Func<DbConnection, T> work)
    {
        using var connection = _source.OpenConnection();
        return work(connection);
    }

    /// <summary>
    /// Queues a batch for the committers. Each commits whatever is waiting when it is free, up to <see cref="MaxGroup"/>
    /// batches in one transaction: every commit costs the server a round trip and a WAL flush whatever it holds, and an
    /// estate's agents send small batches (three link windows and a loss report every 2 s), so one transaction per batch
    /// bounded the fleet at about 4,000 batches a second on 2 cores. More committers than the server has cores only
    /// contend (for the same index pages and the pool): measured on 2 cores, 64 at once stored 25,000 results/s, 8 at
    /// once 65,000.
    /// </summary>
    protected internal override Task<(int Inserted, long StoredThrough)> WriteResultsAsync(string agentId, IReadOnlyList<Result> results, string? traceParent)
    {
        var batch = new PendingBatch(agentId, results, traceParent);
        return _pending.Writer.TryWrite(batch) ? batch.Outcome.Task : throw new ObjectDisposedException(nameof(PostgresRepository), "the repository is closed");
    }

    /// <summary>Batches in one transaction at most.</summary>
    internal const int MaxGroup = 32;

    /// <summary>A committer: takes up to <see cref="MaxGroup"/> waiting batches and commits them together, until the repository closes.</summary>
    private async Task CommitLoopAsync()
    {
        var reader = _pending.Reader;
        var group = new List<PendingBatch>(MaxGroup);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (group.Count < MaxGroup && reader.TryRead(out var batch))
            {
                group.Add(batch);
            }

            if (group.Count > 0)
            {
                await CommitGroupAsync(group).ConfigureAwait(false);
                group.Clear();
            }
        }
    }

    /// <summary>
    /// Commits the batches together (<see cref="PendingBatch.CommitAsync"/>), each agent's in the order they came. Only an
    /// error the server answered with can be one batch's; a connection that cannot be had fails the group at once, not each
    /// of its batches after its own connection timeout.
    /// </summary>
    private Task CommitGroupAsync(List<PendingBatch> group) =>
        PendingBatch.CommitAsync(group, InOneTransactionAsync, ex => ex is PostgresException);

    /// <summary>
    /// The batches in one transaction, one statement per <see cref="Layers">layer</see> (<see cref="LayerCommand"/>), sent as
    /// one Npgsql batch: one round trip, and one transaction (PostgreSQL runs what comes before one Sync as one; an error
    /// rolls all of it back). The outcome of each batch, in the group's order, once the transaction has committed.
    /// </summary>
    private async Task<(int Inserted, long StoredThrough)[]> InOneTransactionAsync(IReadOnlyList<PendingBatch> group)
    {
        var outcomes = new (int Inserted, long StoredThrough)[group.Count];
        var layers = Layers(group);
        var connection = await _source.OpenConnectionAsync().ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var batch = new NpgsqlBatch(connection);
            await using (batch.ConfigureAwait(false))
            {
                foreach (var layer in layers)
                {
                    batch.BatchCommands.Add(LayerCommand(layer, group));
                }

                var reader = await batch.ExecuteReaderAsync().ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    for (var l = 0; l < layers.Count; l++)
                    {
                        if (l > 0)
                        {
                            await reader.NextResultAsync().ConfigureAwait(false);
                        }

                        // One row per batch of the layer, in the layer's order.
                        foreach (var index in layers[l])
                        {
                            await reader.ReadAsync().ConfigureAwait(false);
                            outcomes[index] = (checked((int)reader.GetInt64(0)), reader.GetInt64(1));
                        }
                    }
                }
            }
        }

        CountResultCommit();
        return outcomes;
    }

    /// <summary>
    /// The group's batches (by index) in layers that each hold an agent at most once: its first batch in the first layer, its
    /// second in the next, and so on; each layer in order of agent id, so the rows go in, and take their locks, in that
    /// order. One statement stores a layer, and a statement may not upsert the same row twice; the next layer's statement
    /// sees what the one before stored. Nearly always one layer (an agent waits for its batch's acknowledgement before
    /// the next).
    /// </summary>
    internal static List<List<int>> Layers(IReadOnlyList<PendingBatch> group)
    {
        var layers = new List<List<int>>();
        var batchesOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < group.Count; i++)
        {
            var depth = batchesOf.GetValueOrDefault(group[i].AgentId);
            batchesOf[group[i].AgentId] = depth + 1;
            if (depth == layers.Count)
            {
                layers.Add([]);
            }

            layers[depth].Add(i);
        }

        foreach (var layer in layers)
        {
            layer.Sort((x, y) => string.CompareOrdinal(group[x].AgentId, group[y].AgentId));
        }

        return layers;
    }

    /// <summary>
    /// A layer of batches (distinct agents) as one statement (<see cref="StoreSql"/>): every row of every batch in arrays, each
    /// with its agent; the batches' own figures (agent, receipt time, trace, row count) in arrays of their own; the rollups
    /// worked out off the server in arrays with their agents. Its parameters go by position (see <see cref="Store"/>). Made
    /// afresh for each try: a parameter belongs to one command.
    /// </summary>
    private static NpgsqlBatchCommand LayerCommand(List<int> layer, IReadOnlyList<PendingBatch> group)
    {
        var batches = layer.ConvertAll(i => group[i]);
        var rows = new List<(string Agent, int Batch, StoredRow Row)>();
        var rollups = new List<(string Agent, RollupRow Rollup)>();
        for (var b = 0; b < batches.Count; b++)
        {
            var (agent, batch) = (batches[b].AgentId, b + 1);
            rows.AddRange(batches[b].Rows.Select(r => (agent, batch, r)));
            rollups.AddRange(batches[b].Rollups.Select(r => (agent, r)));
        }

        var parameters = new NpgsqlParameter[StorePositions.Count];
        void Add<T, TValue>(string name, List<T> items, Func<T, TValue> value, NpgsqlDbType type) =>
            parameters[StorePositions[name]] = new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | type, Value = items.Select(value).ToArray() };
        Add("b_agents", batches, b => b.AgentId, NpgsqlDbType.Text);
        Add("b_now", batches, b => b.ReceivedAt, NpgsqlDbType.Text);
        Add("b_trace", batches, b => b.TraceParent, NpgsqlDbType.Text);
        Add("b_count", batches, b => (long)b.Rows.Length, NpgsqlDbType.Bigint);

        Add("agents", rows, r => r.Agent, NpgsqlDbType.Text);
        Add("batch_of", rows, r => r.Batch, NpgsqlDbType.Integer);
        Add("seqs", rows, r => r.Row.Sequence, NpgsqlDbType.Bigint);
        Add("produced", rows, r => r.Row.ProducedUnixMs, NpgsqlDbType.Bigint);
        Add("kinds", rows, r => r.Row.Kind, NpgsqlDbType.Text);
        Add("payloads", rows, r => r.Row.Payload, NpgsqlDbType.Bytea);
        Add("links", rows, r => r.Row.Link, NpgsqlDbType.Integer);
        Add("cells", rows, r => r.Row.Cell, NpgsqlDbType.Integer);
        Add("subjects", rows, r => r.Row.Subject, NpgsqlDbType.Integer);
        static double? Figure(StoredRow r, Func<LinkFigures, double> pick) => r.Link is null || double.IsNaN(pick(r.Figures)) ? null : pick(r.Figures);
        Add("capacities", rows, r => Figure(r.Row, f => f.CapacityGbps), NpgsqlDbType.Double);
        Add("means", rows, r => Figure(r.Row, f => f.MeanGbps), NpgsqlDbType.Double);
        Add("peaks", rows, r => Figure(r.Row, f => f.PeakGbps), NpgsqlDbType.Double);
        Add("losses", rows, r => Figure(r.Row, f => f.LossPercent), NpgsqlDbType.Double);
        Add("targets", rows, r => Figure(r.Row, f => f.TargetGbps), NpgsqlDbType.Double);

        // Each batch's rollups were every row of it new, worked out off the server; the statement uses them where every row was.
        Add("r_agent", rollups, r => r.Agent, NpgsqlDbType.Text);
        Add("r_bucket", rollups, r => r.Rollup.BucketUnixMs, NpgsqlDbType.Bigint);
        Add("r_link", rollups, r => r.Rollup.LinkId, NpgsqlDbType.Integer);
        Add("r_windows", rollups, r => r.Rollup.Windows, NpgsqlDbType.Bigint);
        Add("r_first", rollups, r => r.Rollup.FirstUnixMs, NpgsqlDbType.Bigint);
        Add("r_last", rollups, r => r.Rollup.LastUnixMs, NpgsqlDbType.Bigint);
        Add("r_capacity", rollups, r => r.Rollup.CapacityMax, NpgsqlDbType.Double);
        Add("r_mean_sum", rollups, r => r.Rollup.MeanSum, NpgsqlDbType.Double);
        Add("r_mean_max", rollups, r => r.Rollup.MeanMax, NpgsqlDbType.Double);
        Add("r_peak", rollups, r => r.Rollup.PeakMax, NpgsqlDbType.Double);
        Add("r_loss_windows", rollups, r => r.Rollup.LossWindows, NpgsqlDbType.Bigint);
        Add("r_loss_sum", rollups, r => r.Rollup.LossSum, NpgsqlDbType.Double);
        Add("r_loss_max", rollups, r => r.Rollup.LossMax, NpgsqlDbType.Double);
        Add("r_target", rollups, r => r.Rollup.TargetGbps, NpgsqlDbType.Double);
        var command = new NpgsqlBatchCommand(Store.Sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    /// <summary>
    /// A layer of batches as one statement: the rows go in from arrays (unnest), in order of agent (two transactions that
    /// hold the same agents take their rows' locks in the same order, so they wait for each other rather than deadlock;
    /// should they deadlock all the same, the server's error sends each batch alone), each row with its batch's receipt
    /// time and trace by the batch's index; the newest of each link,
    /// cell and forecast is kept; each batch's stored link windows are added to their rollups; each agent is marked seen
    /// (a data-modifying WITH runs whether read or not); and each batch's row, in the layer's order, gives how many of its
    /// rows went in and the agent's stored-through sequence, the higher of what was there and what went in (the
    /// statement's snapshot does not see its own inserts). One statement for the whole layer, not one per batch: the
    /// server's cost of a statement (planning the prepared plan's parameters, starting and ending the executor for five
    /// sub-statements) was paid per three-row batch.
    /// </summary>
    private static readonly string StoreSql = $"""
        WITH batch AS (
            SELECT b.a, b.n, b.c, b.o FROM unnest(@b_agents, @b_now, @b_count) WITH ORDINALITY AS b(a, n, c, o)),
        inserted AS (
            INSERT INTO results ({ResultColumns})
            SELECT u.a, u.s, u.p, u.k, u.b, (@b_now)[u.i], u.l, u.c, CASE WHEN u.l IS NULL THEN NULL ELSE (@b_trace)[u.i] END
            FROM unnest(@agents, @batch_of, @seqs, @produced, @kinds, @payloads, @links, @cells) AS u(a, i, s, p, k, b, l, c)
            ON CONFLICT DO NOTHING
            RETURNING agent_id, sequence),
        stored AS (
            SELECT b.a, b.c, COALESCE(i.n, 0) AS n, COALESCE(i.m, 0) AS m
            FROM batch b LEFT JOIN (SELECT agent_id, COUNT(*) AS n, MAX(sequence) AS m FROM inserted GROUP BY agent_id) i ON i.agent_id = b.a),
        latest AS ({UpsertLatest("""
            SELECT DISTINCT ON (u.a, u.k, u.j) u.a, u.k, u.j, u.s, u.p, u.b, CASE WHEN u.l IS NULL THEN NULL ELSE (@b_trace)[u.i] END
            FROM unnest(@agents, @batch_of, @seqs, @produced, @kinds, @payloads, @links, @subjects) AS u(a, i, s, p, k, b, l, j)
            WHERE u.j IS NOT NULL ORDER BY u.a, u.k, u.j, u.s DESC
            """)}),
        rolled AS ({UpsertRollups(
            $"""
            SELECT * FROM (
                SELECT {IngestRollupSeconds}, r.b, r.a, r.l, r.w, r.f, r.la, r.c, r.ms, r.mm, r.pk, r.lw, r.ls, r.lm, r.tg
                FROM unnest(@r_agent, @r_bucket, @r_link, @r_windows, @r_first, @r_last, @r_capacity, @r_mean_sum, @r_mean_max,
                            @r_peak, @r_loss_windows, @r_loss_sum, @r_loss_max, @r_target) AS r(a, b, l, w, f, la, c, ms, mm, pk, lw, ls, lm, tg)
                JOIN stored s ON s.a = r.a AND s.n = s.c
                UNION ALL
                SELECT {IngestRollupSeconds}, u.p - ((u.p % {IngestRollupSeconds * 1000}) + {IngestRollupSeconds * 1000}) % {IngestRollupSeconds * 1000}, u.a, u.l, COUNT(*), MIN(u.p), MAX(u.p),
                       MAX(u.cap), SUM(u.mean), MAX(u.mean), MAX(u.peak), COUNT(u.loss), COALESCE(SUM(u.loss), 0), COALESCE(MAX(u.loss), 0),
                       (array_agg(u.tg ORDER BY u.p DESC))[1]
                FROM unnest(@agents, @seqs, @produced, @links, @capacities, @means, @peaks, @losses, @targets) AS u(a, s, p, l, cap, mean, peak, loss, tg)
                JOIN stored s ON s.a = u.a AND s.n < s.c
                JOIN inserted i ON i.agent_id = u.a AND i.sequence = u.s
                WHERE u.l IS NOT NULL
                GROUP BY 2, 3, 4) AS w
            ORDER BY 3, 2, 4
            """,
            "GREATEST",
            "LEAST")}),
        seen AS ({MarkSeen("s.n", "GREATEST(stored_through, s.m)", agent: "b.a", now: "b.n", from: "batch b JOIN stored s ON s.a = b.a")})
        SELECT s.n, GREATEST(({StoredThroughOf("b.a")}), s.m)
        FROM batch b JOIN stored s ON s.a = b.a
        ORDER BY b.o
        """;

    /// <summary>
    /// <see cref="StoreSql"/> with its parameters by position (<c>$1</c>, ...) and their names in that order. Written with
    /// names, Npgsql parsed the whole statement on every execution to find them, while the store held one of the
    /// concurrent-store slots (the largest cost of the store path in the coordinator in the fleet profile); by position it
    /// is sent as written.
    /// </summary>
    private static readonly (string Sql, string[] Names) Store = Positional(StoreSql);

    /// <summary>Each of <see cref="Store"/>'s parameter names and its position, looked up for every batch.</summary>
    private static readonly FrozenDictionary<string, int> StorePositions =
        Store.Names.Select((name, index) => (name, index)).ToFrozenDictionary(p => p.name, p => p.index, StringComparer.Ordinal);

    /// <summary>
    /// A statement's <c>@name</c> parameters as <c>$1</c>, <c>$2</c>, ... (one number per name, in order of first use) and
    /// the names in that order, for Npgsql's positional mode.
    /// </summary>
    internal static (string Sql, string[] Names) Positional(string sql)
    {
        var names = new List<string>();
        var text = System.Text.RegularExpressions.Regex.Replace(sql, @"(?<![\w@:])@([A-Za-z_]\w*)", m =>
        {
            var index = names.IndexOf(m.Groups[1].Value);
            if (index < 0)
            {
                names.Add(m.Groups[1].Value);
                index = names.Count - 1;
            }

            return "$" + (index + 1).ToString(CultureInfo.InvariantCulture);
        });
        return (text, [.. names]);
    }

    /// <summary>A day in milliseconds: the results are partitioned by the UTC day they were produced on.</summary>
    internal const long DayMs = 86_400_000;

    /// <summary>Days ahead of today that have their partition ready.</summary>
    internal const int DaysAhead = 2;

    /// <summary>The partition of results produced on the UTC day that begins at <paramref name="dayUnixMs"/>.</summary>
    internal static string PartitionOf(long dayUnixMs) =>
        "results_" + DateTimeOffset.FromUnixTimeMilliseconds(dayUnixMs).ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary>
    /// Creates today's partition and the next <see cref="DaysAhead"/> days' where missing. A day whose results already went
    /// to the default partition (the first day after the upgrade, or a partition made late) stays there: the retention job
    /// deletes those rows one by one.
    /// </summary>
    protected internal override int PrepareResults(long nowUnixMs)
    {
        var today = BucketStart(nowUnixMs, DayMs);
        var made = 0;
        for (var day = today; day <= today + (DaysAhead * DayMs); day += DayMs)
        {
            var name = PartitionOf(day);
            if (Query("SELECT 1 FROM pg_class WHERE relname = @name", reader => 1, ("name", name)).Count > 0)
            {
                continue;
            }

            try
            {
                Run(connection => Execute(connection, null, $"CREATE TABLE {name} PARTITION OF results FOR VALUES FROM ({day}) TO ({day + DayMs})"));
                made++;
            }
            catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.CheckViolation or PostgresErrorCodes.DuplicateTable)
            {
                // The default partition holds rows of that day already, or another replica made it first.
            }
        }

        return made;
    }

    /// <summary>Drops the days wholly before the cut (no row is read), then deletes the older rows the default partition holds.</summary>
    protected internal override (long Rows, int Days) ExpireResults(long beforeUnixMs)
    {
        var days = Query(
            """
            SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'results'::regclass AND c.relname ~ '^results_[0-9]{8}$'
            """,
            reader => reader.GetString(0));
        var dropped = 0;
        foreach (var name in days)
        {
            var day = DateTimeOffset.ParseExact(name["results_".Length..], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).ToUnixTimeMilliseconds();
            if (day + DayMs <= beforeUnixMs)
            {
                Run(connection => Execute(connection, null, $"DROP TABLE IF EXISTS {name}"));
                dropped++;
            }
        }

        var rows = Run(connection => Execute(connection, null, "DELETE FROM results_default WHERE produced_unix_ms < @before", ("before", beforeUnixMs)));
        return (rows, dropped);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            // Whatever is queued is still written: each batch was promised an outcome.
            _pending.Writer.TryComplete();
            Task.WaitAll(_committers);
            _source.Dispose();
        }

        base.Dispose(disposing);
    }
}
