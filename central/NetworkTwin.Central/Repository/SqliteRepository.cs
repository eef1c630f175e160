using System.Data.Common;
using Microsoft.Data.Sqlite;
using NetworkTwin.Contracts.Sync;

namespace NetworkTwin.Central.Repository;

/// <summary>
/// The repository in a SQLite file (the default): one connection in WAL mode, used by one caller
/// at a time. A batch is inserted row by row with one prepared statement inside one transaction.
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
            setup.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;";
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

    protected override int InsertResults(DbConnection connection, DbTransaction transaction, string agentId, IReadOnlyList<Result> results, string now, string? traceParent)
    {
        using var insert = (SqliteCommand)NewCommand(
            connection,
            transaction,
            """
            INSERT INTO results (agent_id, sequence, produced_unix_ms, kind, payload, received_at, link_id, cell_id, trace_parent)
            VALUES (@agent, @seq, @produced, @kind, @payload, @now, @link, @cell, CASE WHEN @link IS NULL THEN NULL ELSE @trace END)
            ON CONFLICT DO NOTHING
            """,
            ("agent", agentId),
            ("now", now),
            ("trace", traceParent));
        var seq = insert.Parameters.Add("@seq", SqliteType.Integer);
        var produced = insert.Parameters.Add("@produced", SqliteType.Integer);
        var kind = insert.Parameters.Add("@kind", SqliteType.Text);
        var payload = insert.Parameters.Add("@payload", SqliteType.Blob);
        var link = insert.Parameters.Add("@link", SqliteType.Integer);
        var cell = insert.Parameters.Add("@cell", SqliteType.Integer);
        var inserted = 0;
        foreach (var r in results)
        {
            seq.Value = r.Sequence;
            produced.Value = r.ProducedUnixMs;
            kind.Value = KindOf(r);
            payload.Value = PayloadOf(r);
            link.Value = LinkOf(r) is { } l ? l : DBNull.Value;
            cell.Value = CellOf(r) is { } c ? c : DBNull.Value;
            inserted += insert.ExecuteNonQuery();
        }

        return inserted;
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
