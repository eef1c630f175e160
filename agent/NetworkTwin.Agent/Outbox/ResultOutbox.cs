using Google.Protobuf;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using NetworkTwin.Contracts.Sync;

namespace NetworkTwin.Agent.Outbox;

/// <summary>
/// Every result the agent produces, in a SQLite file (WAL) until the coordinator acknowledges it.
/// The sequence is the table's AUTOINCREMENT key: strictly increasing and never reused, also
/// across restarts and after everything was acknowledged. A committed append survives a crash of
/// the process (kill -9). The outbox is bounded: beyond <see cref="MaxResults"/> the oldest
/// results are dropped, counted (persistently) and logged at Error.
/// </summary>
internal sealed partial class ResultOutbox : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();

    public ResultOutbox(string path, long maxResults, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxResults, 1);
        Path = path;
        MaxResults = maxResults;
        _logger = logger;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _connection.Open();
        Execute("""
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = NORMAL;
            CREATE TABLE IF NOT EXISTS outbox (
                sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                produced_unix_ms INTEGER NOT NULL,
                payload BLOB NOT NULL);
            CREATE TABLE IF NOT EXISTS outbox_counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
            INSERT OR IGNORE INTO outbox_counters (name, value) VALUES ('dropped', 0);
            """);
    }

    public string Path { get; }

    public long MaxResults { get; }

    /// <summary>Stores results in one transaction and returns the sequences they were given.</summary>
    public IReadOnlyList<long> Append(IReadOnlyList<Result> results)
    {
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            var sequences = new List<long>(results.Count);
            using (var insert = _connection.CreateCommand())
            {
                insert.Transaction = transaction;
                insert.CommandText = "INSERT INTO outbox (produced_unix_ms, payload) VALUES ($produced, $payload); SELECT last_insert_rowid();";
                var produced = insert.Parameters.Add("$produced", SqliteType.Integer);
                var payload = insert.Parameters.Add("$payload", SqliteType.Blob);
                foreach (var result in results)
                {
                    produced.Value = result.ProducedUnixMs;
                    payload.Value = result.ToByteArray();
                    sequences.Add((long)insert.ExecuteScalar()!);
                }
            }

            var dropped = EnforceBound(transaction);
            transaction.Commit();
            if (dropped > 0)
            {
                Log.Dropped(_logger, dropped, MaxResults, Path);
            }

            return sequences;
        }
    }

    /// <summary>The oldest pending results, with their sequences set.</summary>
    public IReadOnlyList<Result> Peek(int max)
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT sequence, payload FROM outbox ORDER BY sequence LIMIT $max";
            command.Parameters.AddWithValue("$max", max);
            using var reader = command.ExecuteReader();
            var list = new List<Result>();
            while (reader.Read())
            {
                var result = Result.Parser.ParseFrom((byte[])reader.GetValue(1));
                result.Sequence = reader.GetInt64(0);
                list.Add(result);
            }

            return list;
        }
    }

    /// <summary>Deletes every result up to <paramref name="sequence"/> (the coordinator stored them).</summary>
    public int AcknowledgeThrough(long sequence)
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "DELETE FROM outbox WHERE sequence <= $seq";
            command.Parameters.AddWithValue("$seq", sequence);
            return command.ExecuteNonQuery();
        }
    }

    public OutboxCounts Counts()
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = """
                SELECT (SELECT COUNT(*) FROM outbox),
                       (SELECT IFNULL(SUM(LENGTH(payload)), 0) FROM outbox),
                       (SELECT value FROM outbox_counters WHERE name = 'dropped'),
                       (SELECT IFNULL((SELECT seq FROM sqlite_sequence WHERE name = 'outbox'), 0))
                """;
            using var reader = command.ExecuteReader();
            reader.Read();
            return new OutboxCounts(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
        }
    }

    public void Dispose() => _connection.Dispose();

    private long EnforceBound(SqliteTransaction transaction)
    {
        using var count = _connection.CreateCommand();
        count.Transaction = transaction;
        count.CommandText = "SELECT COUNT(*) FROM outbox";
        var excess = (long)count.ExecuteScalar()! - MaxResults;
        if (excess <= 0)
        {
            return 0;
        }

        // Policy: keep the newest; the oldest results are the least useful to the coordinator.
        using var drop = _connection.CreateCommand();
        drop.Transaction = transaction;
        drop.CommandText = """
            DELETE FROM outbox WHERE sequence IN (SELECT sequence FROM outbox ORDER BY sequence LIMIT $n);
            UPDATE outbox_counters SET value = value + $n WHERE name = 'dropped';
            """;
        drop.Parameters.AddWithValue("$n", excess);
        drop.ExecuteNonQuery();
        return excess;
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static partial class Log
    {
        [LoggerMessage(6001, LogLevel.Error, "Outbox full: dropped the {Count} oldest result(s) never acknowledged by the coordinator (limit {Limit} results in {Path}). Check the link to the coordinator, or raise Agent:Outbox:MaxResults")]
        public static partial void Dropped(ILogger logger, long count, long limit, string path);
    }
}
