using System.Data.Common;
using Microsoft.Data.Sqlite;
using NetworkTwin.Contracts.Sync;

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
    }

    public override string Description { get; }

    public override IReadOnlyList<string> Migrations => SqliteMigrations;


    /// <summary>The schema migrations in SQLite's types.</summary>
    internal static readonly string[] SqliteMigrations = Dialect(new Dictionary<string, string>
    {
        ["{int64}"] = "INTEGER",
        ["{bytes}"] = "BLOB",
        ["{identity}"] = "INTEGER PRIMARY KEY AUTOINCREMENT",
        ["{append-only audit}"] = """
            CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
            CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
            """,
    });

    protected override string NowUnixMsSql => "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";

    protected override T Run<T>(Func<DbConnection, T> work)
    {
        lock (_gate)
        {
            return work(_connection);
        }
    }

    /// <summary>
    /// Stores a batch with whatever other batches are waiting for the connection, in one transaction (a group commit): SQLite
    /// writes one transaction at a time, so the uplinks of many agents share each commit instead of queueing for one each.
    /// The caller that gets the connection commits the whole group; the others find their outcome ready when they get it.
    /// Should the group's transaction fail, each batch is tried alone, so one batch cannot fail another agent's.
    /// </summary>
    public override (int Inserted, long StoredThrough) Store(string agentId, IReadOnlyList<Result> results, string? traceParent = null)
    {
        var mine = new PendingBatch(agentId, results, string.IsNullOrEmpty(traceParent) ? null : traceParent);
        lock (_queueGate)
        {
            _queue.Add(mine);
        }

        lock (_gate)
        {
            if (!mine.Done)
            {
                List<PendingBatch> group;
                lock (_queueGate)
                {
                    (group, _queue) = (_queue, []);
                }

                CommitGroup(group);
            }
        }

        if (mine.Error is { } error)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
        }

        return mine.Outcome;
    }

    private readonly Lock _queueGate = new();
    private List<PendingBatch> _queue = [];

    /// <summary>A batch waiting for a group commit, and what became of it.</summary>
    private sealed class PendingBatch(string agentId, IReadOnlyList<Result> results, string? traceParent)
    {
        public string AgentId { get; } = agentId;

        public IReadOnlyList<Result> Results { get; } = results;

        public string? TraceParent { get; } = traceParent;

        public bool Done { get; set; }

        public (int Inserted, long StoredThrough) Outcome { get; set; }

        public Exception? Error { get; set; }
    }

    /// <summary>Commits the batches in one transaction; when that fails, each alone. Every batch ends done, with its outcome or its error.</summary>
    private void CommitGroup(List<PendingBatch> group)
    {
        try
        {
            var outcomes = InTransaction(group);
            for (var i = 0; i < group.Count; i++)
            {
                group[i].Outcome = outcomes[i];
            }
        }
        catch (Exception) when (group.Count > 1)
        {
            foreach (var batch in group)
            {
                try
                {
                    batch.Outcome = InTransaction([batch])[0];
                }
                catch (Exception alone)
                {
                    batch.Error = alone;
                }
            }
        }
        catch (Exception ex)
        {
            // Handed to the caller whose batch it is, which throws it as its own.
            group[0].Error = ex;
        }
        finally
        {
            group.ForEach(b => b.Done = true);
        }
    }

    /// <summary>Stores the batches in one transaction with statements prepared once; the outcome of each, in order.</summary>
    private (int Inserted, long StoredThrough)[] InTransaction(IReadOnlyList<PendingBatch> group)
    {
        using var transaction = _connection.BeginTransaction();
        var now = Now();
        using var insert = (SqliteCommand)NewCommand(
            _connection,
            transaction,
            $"""
            INSERT INTO results ({ResultColumns})
            VALUES (@agent, @seq, @produced, @kind, @payload, @now, @link, @cell, @trace)
            ON CONFLICT DO NOTHING
            """,
            ("now", now));
        var agent = insert.Parameters.Add("@agent", SqliteType.Text);
        var seq = insert.Parameters.Add("@seq", SqliteType.Integer);
        var produced = insert.Parameters.Add("@produced", SqliteType.Integer);
        var kind = insert.Parameters.Add("@kind", SqliteType.Text);
        var payload = insert.Parameters.Add("@payload", SqliteType.Blob);
        var link = insert.Parameters.Add("@link", SqliteType.Integer);
        var cell = insert.Parameters.Add("@cell", SqliteType.Integer);
        var trace = insert.Parameters.Add("@trace", SqliteType.Text);
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
        using var seen = (SqliteCommand)NewCommand(_connection, transaction, MarkSeenSql, ("now", now));
        var seenAgent = seen.Parameters.Add("@agent", SqliteType.Text);
        using var through = (SqliteCommand)NewCommand(_connection, transaction, StoredThroughSql);
        var throughAgent = through.Parameters.Add("@agent", SqliteType.Text);

        var outcomes = new (int, long)[group.Count];
        for (var b = 0; b < group.Count; b++)
        {
            var batch = group[b];
            agent.Value = seenAgent.Value = throughAgent.Value = latestAgent.Value = batch.AgentId;
            var inserted = 0;
            foreach (var r in batch.Results)
            {
                var linkId = LinkOf(r);
                seq.Value = r.Sequence;
                produced.Value = r.ProducedUnixMs;
                kind.Value = KindOf(r);
                payload.Value = PayloadOf(r);
                link.Value = linkId is { } l ? l : DBNull.Value;
                cell.Value = CellOf(r) is { } c ? c : DBNull.Value;
                // Only link results carry the trace: decisions are made from them.
                trace.Value = linkId is not null && batch.TraceParent is { } t ? t : DBNull.Value;
                inserted += insert.ExecuteNonQuery();
            }

            foreach (var (r, subject) in NewestBySubject(batch.Results))
            {
                latestKind.Value = KindOf(r);
                latestSubject.Value = subject;
                latestSeq.Value = r.Sequence;
                latestProduced.Value = r.ProducedUnixMs;
                latestPayload.Value = PayloadOf(r);
                latestTrace.Value = r.BodyCase == Result.BodyOneofCase.Link && batch.TraceParent is { } t ? t : DBNull.Value;
                latest.ExecuteNonQuery();
            }

            seen.ExecuteNonQuery();
            outcomes[b] = (inserted, Convert.ToInt64(through.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture));
        }

        transaction.Commit();
        return outcomes;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _connection.Dispose();
        }

        base.Dispose(disposing);
    }
}
