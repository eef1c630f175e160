using System.Data.Common;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using NetworkTwin.Contracts.Sync;
using static NetworkTwin.Central.Repository.ResultRows;
using static NetworkTwin.Central.Repository.Sql;

namespace NetworkTwin.Central.Repository;

/// <summary>
/// The repository in a SQLite file (the default), in WAL mode: one connection writes, used by one caller at a time;
/// reads go on pooled read-only connections of their own, beside it. Batches that arrive while another is being written
/// go in together, in one transaction (group commit), row by row with statements prepared once; other small writes
/// (an agent registering) queue for the same writer rather than hold a thread while it commits.
/// </summary>
public sealed class SqliteRepository : CoordinatorRepository
{
    private readonly SqliteConnection _connection;
    private readonly Lock _gate = new();
    private readonly string _readConnectionString;

    public SqliteRepository(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        Description = $"SQLite {Path.GetFullPath(path)}";
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _readConnectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = true }.ToString();
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
    /// A read on a pooled read-only connection: WAL gives it the last committed state without waiting for the writer. A read
    /// made inside <see cref="Run{T}"/> stays on the writer's connection, which sees what that work has written.
    /// </summary>
    protected internal override T Read<T>(Func<DbConnection, T> work)
    {
        if (_gate.IsHeldByCurrentThread)
        {
            return work(_connection);
        }

        using var connection = new SqliteConnection(_readConnectionString);
        connection.Open();
        return work(connection);
    }

    /// <summary>Queues the write for the writer, which runs it between group commits; the task completes off its thread.</summary>
    protected internal override Task<T> WriteAsync<T>(Func<DbConnection, T> work)
    {
        var pending = new PendingWork<T>(work);
        return _writes.Writer.TryWrite(pending) ? pending.Outcome.Task : throw new ObjectDisposedException(nameof(SqliteRepository), "the repository is closed");
    }

    /// <summary>
    /// Queues a batch for the writer, which stores it with whatever other batches are waiting, in one transaction (a group
    /// commit): SQLite writes one transaction at a time, so the uplinks of many agents share each commit instead of
    /// queueing for one each, and none of them holds a thread while it waits.
    /// </summary>
    protected internal override Task<(int Inserted, long StoredThrough)> WriteResultsAsync(string agentId, IReadOnlyList<Result> results, string? traceParent)
    {
        var batch = new PendingBatch(agentId, results, traceParent);
        return _writes.Writer.TryWrite(batch) ? batch.Outcome.Task : throw new ObjectDisposedException(nameof(SqliteRepository), "the repository is closed");
    }

    /// <summary>Batches in one transaction at most (a commit of this many is still a few milliseconds).</summary>
    private const int MaxGroup = 16;

    /// <summary>What waits for the writer, in order: <see cref="PendingBatch"/>es and <see cref="IPendingWork"/>.</summary>
    private readonly Channel<object> _writes = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });

    private readonly Thread _writer;

    /// <summary>A small write waiting for the writer.</summary>
    private interface IPendingWork
    {
        void Execute(DbConnection connection);
    }

    /// <summary>A small write waiting for the writer, and what becomes of it (completed off the writer's thread).</summary>
    private sealed class PendingWork<T>(Func<DbConnection, T> work) : IPendingWork
    {
        public TaskCompletionSource<T> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Execute(DbConnection connection)
        {
            try
            {
                Outcome.SetResult(work(connection));
            }
            catch (Exception ex)
            {
                Outcome.SetException(ex);
            }
        }
    }

    /// <summary>
    /// The writer: takes what is queued, in order (up to <see cref="MaxGroup"/> batches, which it commits together, then the
    /// small write that followed them, if one did), until the repository closes.
    /// </summary>
    private void WriteLoop()
    {
        var reader = _writes.Reader;
        var group = new List<PendingBatch>(MaxGroup);
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            IPendingWork? work = null;
            while (group.Count < MaxGroup && reader.TryRead(out var item))
            {
                if (item is PendingBatch batch)
                {
                    group.Add(batch);
                }
                else
                {
                    work = (IPendingWork)item;
                    break;
                }
            }

            lock (_gate)
            {
                if (group.Count > 0)
                {
                    CommitGroup(group);
                }

                work?.Execute(_connection);
            }

            group.Clear();
        }
    }

    /// <summary>Commits the batches together (<see cref="PendingBatch.CommitAsync"/>), on the writer's thread: <see cref="InTransaction"/> does not wait on anything but SQLite.</summary>
    private void CommitGroup(List<PendingBatch> group) =>
        PendingBatch.CommitAsync(group, batches => Task.FromResult(InTransaction(batches))).GetAwaiter().GetResult();

    /// <summary>
    /// Stores the batches in one transaction with statements prepared once and bound by position (see
    /// <see cref="PositionalStatement"/>); the outcome of each, in order.
    /// </summary>
    private (int Inserted, long StoredThrough)[] InTransaction(IReadOnlyList<PendingBatch> group)
    {
        using var transaction = _connection.BeginTransaction();
        using var insert = new PositionalStatement(_connection, $"INSERT INTO results ({ResultColumns}) VALUES (@agent, @seq, @produced, @kind, @payload, @now, @link, @cell, @trace) ON CONFLICT DO NOTHING");
        var (agent, seq, produced, kind, payload, link, cell, trace) = (
            insert.Parameter("@agent"), insert.Parameter("@seq"), insert.Parameter("@produced"), insert.Parameter("@kind"),
            insert.Parameter("@payload"), insert.Parameter("@link"), insert.Parameter("@cell"), insert.Parameter("@trace"));
        var insertNow = insert.Parameter("@now");
        using var latest = new PositionalStatement(_connection, UpsertLatest("VALUES (@agent, @kind, @subject, @seq, @produced, @payload, @trace)"));
        var (latestAgent, latestKind, latestSubject, latestSeq, latestProduced, latestPayload, latestTrace) = (
            latest.Parameter("@agent"), latest.Parameter("@kind"), latest.Parameter("@subject"), latest.Parameter("@seq"),
            latest.Parameter("@produced"), latest.Parameter("@payload"), latest.Parameter("@trace"));
        using var seen = new PositionalStatement(_connection, MarkSeen("@inserted", "MAX(stored_through, @through)"));
        var (seenAgent, seenInserted, seenThrough) = (seen.Parameter("@agent"), seen.Parameter("@inserted"), seen.Parameter("@through"));
        var seenNow = seen.Parameter("@now");
        var rollupNames = RollupColumns.Split(", ").Select(c => "@" + c).ToArray();
        using var rollup = new PositionalStatement(_connection, UpsertRollups($"VALUES ({string.Join(", ", rollupNames)})", "MAX", "MIN"));
        var rollupAt = Array.ConvertAll(rollupNames, rollup.Parameter);
        rollup.Bind(rollupAt[0], IngestRollupSeconds);
        using var through = new PositionalStatement(_connection, StoredThroughSql);
        var throughAgent = through.Parameter("@agent");

        var outcomes = new (int, long)[group.Count];
        for (var b = 0; b < group.Count; b++)
        {
            var batch = group[b];
            insert.Bind(agent, batch.AgentId);
            insert.Bind(insertNow, batch.ReceivedAt);
            seen.Bind(seenNow, batch.ReceivedAt);
            latest.Bind(latestAgent, batch.AgentId);
            seen.Bind(seenAgent, batch.AgentId);
            through.Bind(throughAgent, batch.AgentId);
            rollup.Bind(rollupAt[2], batch.AgentId);

            // Only link results carry the trace: decisions are made from them.
            string? TraceOf(StoredRow r) => r.Link is not null ? batch.TraceParent : null;
            var stored = new List<StoredRow>(batch.Rows.Length);
            foreach (var r in batch.Rows)
            {
                insert.Bind(seq, r.Sequence);
                insert.Bind(produced, r.ProducedUnixMs);
                insert.Bind(kind, r.Kind);
                insert.Bind(payload, r.Payload);
                insert.Bind(link, r.Link);
                insert.Bind(cell, r.Cell);
                insert.Bind(trace, TraceOf(r));
                if (insert.Execute() == 1)
                {
                    stored.Add(r);
                }
            }

            // A resent row is not counted again: then the rollups are those of the rows this batch did store.
            foreach (var r in stored.Count == batch.Rows.Length ? batch.Rollups : [.. RollupsOf(stored)])
            {
                // In RollupColumns' order: bucket_seconds and agent_id (0 and 2) are bound above.
                rollup.Bind(rollupAt[1], r.BucketUnixMs);
                rollup.Bind(rollupAt[3], r.LinkId);
                rollup.Bind(rollupAt[4], r.Windows);
                rollup.Bind(rollupAt[5], r.FirstUnixMs);
                rollup.Bind(rollupAt[6], r.LastUnixMs);
                rollup.Bind(rollupAt[7], r.CapacityMax);
                rollup.Bind(rollupAt[8], r.MeanSum);
                rollup.Bind(rollupAt[9], r.MeanMax);
                rollup.Bind(rollupAt[10], r.PeakMax);
                rollup.Bind(rollupAt[11], r.LossWindows);
                rollup.Bind(rollupAt[12], r.LossSum);
                rollup.Bind(rollupAt[13], r.LossMax);
                rollup.Bind(rollupAt[14], r.TargetGbps);
                rollup.Execute();
            }

            foreach (var r in NewestBySubject(batch.Rows))
            {
                latest.Bind(latestKind, r.Kind);
                latest.Bind(latestSubject, r.Subject);
                latest.Bind(latestSeq, r.Sequence);
                latest.Bind(latestProduced, r.ProducedUnixMs);
                latest.Bind(latestPayload, r.Payload);
                latest.Bind(latestTrace, TraceOf(r));
                latest.Execute();
            }

            var storedThrough = Math.Max(through.ExecuteInt64(), stored.Count > 0 ? stored.Max(r => r.Sequence) : 0);
            seen.Bind(seenInserted, stored.Count);
            seen.Bind(seenThrough, storedThrough);
            seen.Execute();
            outcomes[b] = (stored.Count, storedThrough);
        }

        transaction.Commit();
        CountResultCommit();
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
            using var reads = new SqliteConnection(_readConnectionString);
            SqliteConnection.ClearPool(reads);
        }

        base.Dispose(disposing);
    }
}
