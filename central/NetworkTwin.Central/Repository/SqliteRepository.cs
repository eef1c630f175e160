using System.Data.Common;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using NetworkTwin.Contracts.Sync;
using static NetworkTwin.Central.Repository.ResultRows;
using static NetworkTwin.Central.Repository.Sql;

namespace NetworkTwin.Central.Repository;

/// <summary>
/// The repository in a SQLite file (the default): one connection in WAL mode, used by one caller
/// at a time. Batches that arrive while another is being written go in together, in one
/// transaction (group commit), row by row with statements prepared once.
/// </summary>
public sealed class SqliteRepository : CoordinatorRepository
{
    private readonly SqliteConnection _connection;
    private readonly Lock _gate = new();

    public SqliteRepository(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        Description = $"SQLite {Path.GetFullPath(path)}";
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _connection.Open();
        using (var setup = _connection.CreateCommand())
        {
            // A checkpoint every 10,000 pages (40 MB of WAL) rather than SQLite's 1,000: each checkpoint syncs the file while
            // every uplink waits, and at thousands of results a second the default one came every few seconds.
            setup.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 10000;";
            setup.ExecuteNonQuery();
        }

        Migrate();
        _writer = new Thread(WriteLoop) { IsBackground = true, Name = "SQLite writer" };
        _writer.Start();
    }

    public override string Description { get; }

    public override IReadOnlyList<string> Migrations => SqliteMigrations;


    /// <summary>The schema migrations in SQLite's types.</summary>
    internal static readonly string[] SqliteMigrations = RepositoryMigrations.Dialect(new Dictionary<string, string>
    {
        ["{int64}"] = "INTEGER",
        ["{real}"] = "REAL",
        ["{bytes}"] = "BLOB",
        ["{identity}"] = "INTEGER PRIMARY KEY AUTOINCREMENT",
        ["{results by day}"] = "SELECT 1;",
        ["{append-only audit}"] = """
            CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
            CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
            """,
    });

    protected internal override string NowUnixMsSql => "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";

    protected internal override T Run<T>(Func<DbConnection, T> work)
    {
        lock (_gate)
        {
            return work(_connection);
        }
    }

    /// <summary>
    /// Queues a batch for the writer, which stores it with whatever other batches are waiting, in one transaction (a group
    /// commit): SQLite writes one transaction at a time, so the uplinks of many agents share each commit instead of
    /// queueing for one each, and none of them holds a thread while it waits.
    /// </summary>
    protected internal override Task<(int Inserted, long StoredThrough)> WriteResultsAsync(string agentId, IReadOnlyList<Result> results, string? traceParent)
    {
        var batch = new PendingBatch(agentId, RowsOf(results), string.IsNullOrEmpty(traceParent) ? null : traceParent);
        return _writes.Writer.TryWrite(batch) ? batch.Outcome.Task : throw new ObjectDisposedException(nameof(SqliteRepository), "the repository is closed");
    }

    /// <summary>Batches in one transaction at most (a commit of this many is still a few milliseconds).</summary>
    private const int MaxGroup = 16;

    private readonly Channel<PendingBatch> _writes = Channel.CreateUnbounded<PendingBatch>(new UnboundedChannelOptions { SingleReader = true });

    private readonly Thread _writer;

    /// <summary>A batch waiting for a group commit, and what becomes of it.</summary>
    private sealed class PendingBatch(string agentId, StoredRow[] rows, string? traceParent)
    {
        public string AgentId { get; } = agentId;

        public StoredRow[] Rows { get; } = rows;

        /// <summary>The batch's rollups were every row new (the usual case), worked out by the caller, off the writer's path.</summary>
        public List<RollupRow> Rollups { get; } = ResultRows.RollupsOf(rows);

        public string? TraceParent { get; } = traceParent;

        /// <summary>Completed off the writer's thread, so no uplink handler runs on it.</summary>
        public TaskCompletionSource<(int Inserted, long StoredThrough)> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>The writer: takes what is queued (up to <see cref="MaxGroup"/> batches) and commits it, until the repository closes.</summary>
    private void WriteLoop()
    {
        var reader = _writes.Reader;
        var group = new List<PendingBatch>(MaxGroup);
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (group.Count < MaxGroup && reader.TryRead(out var batch))
            {
                group.Add(batch);
            }

            lock (_gate)
            {
                CommitGroup(group);
            }

            group.Clear();
        }
    }

    /// <summary>Commits the batches in one transaction; when that fails, each alone, so one batch cannot fail another agent's. Every batch gets its outcome or its error.</summary>
    private void CommitGroup(List<PendingBatch> group)
    {
        try
        {
            var outcomes = InTransaction(group);
            for (var i = 0; i < group.Count; i++)
            {
                group[i].Outcome.SetResult(outcomes[i]);
            }
        }
        catch (Exception) when (group.Count > 1)
        {
            foreach (var batch in group)
            {
                try
                {
                    batch.Outcome.SetResult(InTransaction([batch])[0]);
                }
                catch (Exception alone)
                {
                    batch.Outcome.SetException(alone);
                }
            }
        }
        catch (Exception ex)
        {
            group[0].Outcome.SetException(ex);
        }
    }

    /// <summary>Stores the batches in one transaction with statements prepared once; the outcome of each, in order.</summary>
    private (int Inserted, long StoredThrough)[] InTransaction(IReadOnlyList<PendingBatch> group)
    {
        using var transaction = _connection.BeginTransaction();
        var now = Now();
        // The one statement run per row: bound by position (see PositionalStatement); the rest run per batch or subject.
        using var insert = new PositionalStatement(_connection, $"INSERT INTO results ({ResultColumns}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT DO NOTHING");
        insert.Bind(6, now);
        using var latest = (SqliteCommand)NewCommand(
            _connection,
            transaction,
            UpsertLatest("VALUES (@agent, @kind, @subject, @seq, @produced, @payload, @trace)"));
        var latestAgent = latest.Parameters.Add("@agent", SqliteType.Text);
        var latestKind = latest.Parameters.Add("@kind", SqliteType.Text);
        var latestSubject = latest.Parameters.Add("@subject", SqliteType.Integer);
        var latestSeq = latest.Parameters.Add("@seq", SqliteType.Integer);
        var latestProduced = latest.Parameters.Add("@produced", SqliteType.Integer);
        var latestPayload = latest.Parameters.Add("@payload", SqliteType.Blob);
        var latestTrace = latest.Parameters.Add("@trace", SqliteType.Text);
        using var seen = (SqliteCommand)NewCommand(_connection, transaction, MarkSeen("@inserted", "MAX(stored_through, @through)"), ("now", now));
        var seenAgent = seen.Parameters.Add("@agent", SqliteType.Text);
        var seenInserted = seen.Parameters.Add("@inserted", SqliteType.Integer);
        var seenThrough = seen.Parameters.Add("@through", SqliteType.Integer);
        var rollupNames = RollupColumns.Split(", ").Select(c => "@" + c).ToArray();
        using var rollup = (SqliteCommand)NewCommand(_connection, transaction, UpsertRollups($"VALUES ({string.Join(", ", rollupNames)})", "MAX", "MIN"));
        var rollupValues = Array.ConvertAll(rollupNames, name => rollup.Parameters.Add(new SqliteParameter { ParameterName = name }));
        using var through = (SqliteCommand)NewCommand(_connection, transaction, StoredThroughSql);
        var throughAgent = through.Parameters.Add("@agent", SqliteType.Text);

        var outcomes = new (int, long)[group.Count];
        for (var b = 0; b < group.Count; b++)
        {
            var batch = group[b];
            seenAgent.Value = throughAgent.Value = latestAgent.Value = batch.AgentId;
            insert.Bind(1, batch.AgentId);
            // Only link results carry the trace: decisions are made from them.
            object TraceOf(StoredRow r) => r.Link is not null && batch.TraceParent is { } t ? t : DBNull.Value;
            var stored = new List<StoredRow>(batch.Rows.Length);
            foreach (var r in batch.Rows)
            {
                insert.Bind(2, r.Sequence);
                insert.Bind(3, r.ProducedUnixMs);
                insert.Bind(4, r.Kind);
                insert.Bind(5, r.Payload);
                insert.Bind(7, r.Link);
                insert.Bind(8, r.Cell);
                insert.Bind(9, r.Link is not null ? batch.TraceParent : null);
                if (insert.Execute() == 1)
                {
                    stored.Add(r);
                }
            }

            // A resent row is not counted again: then the rollups are those of the rows this batch did store.
            foreach (var r in stored.Count == batch.Rows.Length ? batch.Rollups : RollupsOf(stored))
            {
                object[] values = [IngestRollupSeconds, r.BucketUnixMs, batch.AgentId, r.LinkId, r.Windows, r.FirstUnixMs, r.LastUnixMs, r.CapacityMax, r.MeanSum, r.MeanMax, r.PeakMax, r.LossWindows, r.LossSum, r.LossMax, r.TargetGbps];
                for (var i = 0; i < values.Length; i++)
                {
                    rollupValues[i].Value = values[i];
                }

                rollup.ExecuteNonQuery();
            }

            foreach (var r in NewestBySubject(batch.Rows))
            {
                latestKind.Value = r.Kind;
                latestSubject.Value = r.Subject;
                latestSeq.Value = r.Sequence;
                latestProduced.Value = r.ProducedUnixMs;
                latestPayload.Value = r.Payload;
                latestTrace.Value = TraceOf(r);
                latest.ExecuteNonQuery();
            }

            var storedThrough = Math.Max(Convert.ToInt64(through.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture), stored.Count > 0 ? stored.Max(r => r.Sequence) : 0);
            seenInserted.Value = stored.Count;
            seenThrough.Value = storedThrough;
            seen.ExecuteNonQuery();
            outcomes[b] = (stored.Count, storedThrough);
        }

        transaction.Commit();
        return outcomes;
    }

    /// <summary>
    /// Deletes each agent's results older than the cut, one agent per transaction so that uplinks are not held up: by the
    /// key, from the agent's oldest row to its first one produced at or after the cut (an agent's sequences follow its
    /// time), so nothing but the rows deleted is read.
    /// </summary>
    protected internal override (long Rows, int Days) ExpireResults(long beforeUnixMs)
    {
        var agents = Query("SELECT agent_id FROM agents", reader => reader.GetString(0));
        long deleted = 0;
        foreach (var agent in agents)
        {
            deleted += Run(connection => Execute(
                connection,
                null,
                """
                DELETE FROM results WHERE agent_id = @agent AND sequence < COALESCE(
                    (SELECT sequence FROM results WHERE agent_id = @agent AND produced_unix_ms >= @before ORDER BY sequence LIMIT 1),
                    (SELECT MAX(sequence) + 1 FROM results WHERE agent_id = @agent))
                """,
                ("agent", agent),
                ("before", beforeUnixMs)));
        }

        return (deleted, 0);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            // Whatever is queued is still written: each batch was promised an outcome.
            _writes.Writer.TryComplete();
            _writer.Join();
            _connection.Dispose();
        }

        base.Dispose(disposing);
    }
}
