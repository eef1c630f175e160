using System.Globalization;
using Google.Protobuf;
using Microsoft.Data.Sqlite;
using NetworkTwin.Contracts.Operators;
using NetworkTwin.Contracts.Sync;

namespace NetworkTwin.Central.Repository;

/// <summary>
/// The coordinator's repository in a SQLite file (the default; PostgreSQL comes with the same
/// schema). Results are keyed by (agent id, sequence) and inserted with INSERT OR IGNORE, so a
/// batch the agent resends after a lost acknowledgement is stored once.
/// </summary>
public sealed class SqliteRepository : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly Lock _gate = new();

    public SqliteRepository(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _connection.Open();
        Migrate();
    }

    /// <summary>Schema migrations, applied in order, each once, each in its own transaction.</summary>
    internal static readonly string[] Migrations =
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
    ];

    public int SchemaVersion
    {
        get
        {
            lock (_gate)
            {
                using var command = _connection.CreateCommand();
                command.CommandText = "SELECT version FROM schema_version";
                return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
            }
        }
    }

    private void Migrate()
    {
        using (var setup = _connection.CreateCommand())
        {
            setup.CommandText = """
                PRAGMA journal_mode = WAL;
                PRAGMA synchronous = NORMAL;
                CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
                INSERT INTO schema_version (version) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM schema_version);
                """;
            setup.ExecuteNonQuery();
        }

        for (var version = SchemaVersion; version < Migrations.Length; version++)
        {
            using var transaction = _connection.BeginTransaction();
            using var step = _connection.CreateCommand();
            step.Transaction = transaction;
            step.CommandText = Migrations[version] + $"\nUPDATE schema_version SET version = {version + 1};";
            step.ExecuteNonQuery();
            transaction.Commit();
        }
    }

    public void Register(RegisterRequest request)
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = """
                INSERT INTO agents (agent_id, site, version, capabilities, registered_at, last_seen)
                VALUES ($id, $site, $version, $caps, $now, $now)
                ON CONFLICT(agent_id) DO UPDATE SET site = $site, version = $version, capabilities = $caps, last_seen = $now;
                """;
            command.Parameters.AddWithValue("$id", request.AgentId);
            command.Parameters.AddWithValue("$site", request.Site);
            command.Parameters.AddWithValue("$version", request.Version);
            command.Parameters.AddWithValue("$caps", string.Join(',', request.Capabilities));
            command.Parameters.AddWithValue("$now", DateTimeOffset.UtcNow.ToString("O"));
            command.ExecuteNonQuery();
        }
    }

    /// <summary>Stores a batch in one transaction; returns how many were new and the highest sequence stored for the agent.</summary>
    public (int Inserted, long StoredThrough) Store(string agentId, IReadOnlyList<Result> results)
    {
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            var inserted = 0;
            using (var insert = _connection.CreateCommand())
            {
                insert.Transaction = transaction;
                insert.CommandText = """
                    INSERT OR IGNORE INTO results (agent_id, sequence, produced_unix_ms, kind, payload, received_at, link_id)
                    VALUES ($agent, $seq, $produced, $kind, $payload, $now, $link)
                    """;
                var link = insert.Parameters.Add("$link", SqliteType.Integer);
                var agent = insert.Parameters.AddWithValue("$agent", agentId);
                var seq = insert.Parameters.Add("$seq", SqliteType.Integer);
                var produced = insert.Parameters.Add("$produced", SqliteType.Integer);
                var kind = insert.Parameters.Add("$kind", SqliteType.Text);
                var payload = insert.Parameters.Add("$payload", SqliteType.Blob);
                insert.Parameters.AddWithValue("$now", DateTimeOffset.UtcNow.ToString("O"));
                foreach (var r in results)
                {
                    seq.Value = r.Sequence;
                    produced.Value = r.ProducedUnixMs;
                    kind.Value = r.BodyCase.ToString();
                    payload.Value = r.ToByteArray();
                    link.Value = r.BodyCase == Result.BodyOneofCase.Link ? r.Link.LinkId : DBNull.Value;
                    inserted += insert.ExecuteNonQuery();
                }
            }

            using (var seen = _connection.CreateCommand())
            {
                seen.Transaction = transaction;
                seen.CommandText = "UPDATE agents SET last_seen = $now WHERE agent_id = $agent";
                seen.Parameters.AddWithValue("$now", DateTimeOffset.UtcNow.ToString("O"));
                seen.Parameters.AddWithValue("$agent", agentId);
                seen.ExecuteNonQuery();
            }

            transaction.Commit();
            return (inserted, StoredThrough(agentId));
        }
    }

    /// <summary>Highest sequence stored for an agent (0 when none).</summary>
    public long StoredThrough(string agentId)
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT IFNULL(MAX(sequence), 0) FROM results WHERE agent_id = $agent";
            command.Parameters.AddWithValue("$agent", agentId);
            return (long)command.ExecuteScalar()!;
        }
    }

    /// <summary>All sequences stored for an agent, in order (for checks and the operators' tools).</summary>
    public IReadOnlyList<long> Sequences(string agentId) => Query(
        "SELECT sequence FROM results WHERE agent_id = $agent ORDER BY sequence",
        command => command.Parameters.AddWithValue("$agent", agentId),
        reader => reader.GetInt64(0));

    /// <summary>Every agent with its result count and highest stored sequence.</summary>
    public IReadOnlyList<AgentSummary> Agents() => Query(
        """
        SELECT a.agent_id, a.site, a.version, a.registered_at, a.last_seen, COUNT(r.sequence), IFNULL(MAX(r.sequence), 0)
        FROM agents a LEFT JOIN results r ON r.agent_id = a.agent_id
        GROUP BY a.agent_id ORDER BY a.site, a.agent_id
        """,
        _ => { },
        reader => new AgentSummary
        {
            AgentId = reader.GetString(0),
            Site = reader.GetString(1),
            Version = reader.GetString(2),
            RegisteredUnixMs = DateTimeOffset.Parse(reader.GetString(3), CultureInfo.InvariantCulture).ToUnixTimeMilliseconds(),
            LastSeenUnixMs = DateTimeOffset.Parse(reader.GetString(4), CultureInfo.InvariantCulture).ToUnixTimeMilliseconds(),
            ResultsStored = reader.GetInt64(5),
            StoredThrough = reader.GetInt64(6),
        });

    /// <summary>The latest capacity result of every (agent, link), optionally for one site.</summary>
    public IReadOnlyList<LinkSummary> LatestLinks(string? site) => Query(
        """
        SELECT r.agent_id, a.site, r.produced_unix_ms, r.payload
        FROM results r JOIN agents a ON a.agent_id = r.agent_id
        WHERE r.link_id IS NOT NULL AND ($site = '' OR a.site = $site)
          AND r.sequence = (SELECT MAX(r2.sequence) FROM results r2 WHERE r2.agent_id = r.agent_id AND r2.link_id = r.link_id)
        ORDER BY a.site, r.agent_id, r.link_id
        """,
        command => command.Parameters.AddWithValue("$site", site ?? string.Empty),
        reader => new LinkSummary
        {
            AgentId = reader.GetString(0),
            Site = reader.GetString(1),
            ProducedUnixMs = reader.GetInt64(2),
            Link = Result.Parser.ParseFrom((byte[])reader.GetValue(3)).Link,
        });

    public void Dispose() => _connection.Dispose();

    /// <summary>Runs a read under the repository's lock and maps every row.</summary>
    private List<T> Query<T>(string sql, Action<SqliteCommand> bind, Func<SqliteDataReader, T> map)
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = sql;
            bind(command);
            using var reader = command.ExecuteReader();
            var list = new List<T>();
            while (reader.Read())
            {
                list.Add(map(reader));
            }

            return list;
        }
    }
}
