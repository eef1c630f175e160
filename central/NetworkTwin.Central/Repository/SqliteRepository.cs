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

    /// <summary>Schema migrations in SQLite's dialect; <see cref="PostgresRepository.PostgresMigrations"/> has the same steps.</summary>
    internal static readonly string[] SqliteMigrations =
    [
        // 1: agents and their results, keyed by (agent id, sequence).
        """
        CREATE TABLE agents (
            agent_id TEXT PRIMARY KEY,
            site TEXT NOT NULL,
            version TEXT NOT NULL,
            capabilities TEXT NOT NULL,
            registered_at TEXT NOT NULL,
            last_seen TEXT NOT NULL);
        CREATE TABLE results (
            agent_id TEXT NOT NULL,
            sequence INTEGER NOT NULL,
            produced_unix_ms INTEGER NOT NULL,
            kind TEXT NOT NULL,
            payload BLOB NOT NULL,
            received_at TEXT NOT NULL,
            PRIMARY KEY (agent_id, sequence));
        """,

        // 2: the link a result is about, for the operators' latest-per-link queries.
        """
        ALTER TABLE results ADD COLUMN link_id INTEGER;
        CREATE INDEX results_link ON results (agent_id, link_id, sequence);
        """,

        // 3: the cell a window result is about; loss evidence by time; discovered link maps.
        """
        ALTER TABLE results ADD COLUMN cell_id INTEGER;
        CREATE INDEX results_cell ON results (agent_id, cell_id, sequence);
        CREATE INDEX results_kind_time ON results (kind, produced_unix_ms);
        CREATE TABLE topology_maps (
            version INTEGER PRIMARY KEY,
            computed_at TEXT NOT NULL,
            payload BLOB NOT NULL);
        """,

        // 4: commands to agents and their outcomes (pending until the agent acknowledges).
        """
        CREATE TABLE commands (
            command_id INTEGER PRIMARY KEY AUTOINCREMENT,
            agent_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            payload BLOB NOT NULL,
            issued_at TEXT NOT NULL,
            state TEXT NOT NULL,
            acknowledged_at TEXT,
            detail TEXT NOT NULL);
        CREATE INDEX commands_agent ON commands (agent_id, state, command_id);
        """,
    ];

    protected override T Run<T>(Func<DbConnection, T> work)
    {
        lock (_gate)
        {
            return work(_connection);
        }
    }

    protected override int InsertResults(DbConnection connection, DbTransaction transaction, string agentId, IReadOnlyList<Result> results, string now)
    {
        using var insert = (SqliteCommand)NewCommand(
            connection,
            transaction,
            """
            INSERT INTO results (agent_id, sequence, produced_unix_ms, kind, payload, received_at, link_id, cell_id)
            VALUES (@agent, @seq, @produced, @kind, @payload, @now, @link, @cell)
            ON CONFLICT DO NOTHING
            """,
            ("agent", agentId),
            ("now", now));
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
