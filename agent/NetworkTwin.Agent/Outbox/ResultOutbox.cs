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
    /// <summary>Results held in memory while the outbox cannot be written (a full disk), at most.</summary>
    public const int MaxHeld = 20_000;

    private readonly SqliteConnection _connection;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();

    // Results produced while the file could not be written: stored first, in order, once it can.
    private readonly List<Result> _held = [];
    private long _droppedHeld;

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

    /// <summary>
    /// Stores results in one transaction and returns the sequences they were given. When the file cannot be written
    /// (a full disk, an I/O error), the results wait in memory (at most <see cref="MaxHeld"/>, the oldest go beyond
    /// that) and are stored before the next ones, so that the agent keeps analysing and nothing is reordered; the
    /// sequences returned are then those of whatever was stored, possibly none.
    /// </summary>
    public IReadOnlyList<long> Append(IReadOnlyList<Result> results)
    {
        lock (_gate)
        {
            var batch = _held.Count == 0 ? results : [.. _held, .. results];
            try
            {
                var sequences = Insert(batch);
                if (_held.Count > 0)
                {
                    Log.Writable(_logger, Path, _held.Count);
                    _held.Clear();
                }

                return sequences;
            }
            catch (SqliteException ex) when (ex.SqliteErrorCode is SQLitePCL.raw.SQLITE_FULL or SQLitePCL.raw.SQLITE_IOERR or SQLitePCL.raw.SQLITE_CANTOPEN or SQLitePCL.raw.SQLITE_READONLY)
            {
                if (_held.Count == 0)
                {
                    Log.NotWritable(_logger, Path, ex.Message, MaxHeld);
                }

                _held.AddRange(results);
                if (_held.Count > MaxHeld)
                {
                    var excess = _held.Count - MaxHeld;
                    _held.RemoveRange(0, excess);
                    _droppedHeld += excess;
                    Log.Dropped(_logger, excess, MaxHeld, Path + " (memory, while the file cannot be written)");
                }

                return [];
            }
        }
    }

    private List<long> Insert(IReadOnlyList<Result> results)
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
            try
            {
                return command.ExecuteNonQuery();
            }
            catch (SqliteException ex) when (ex.SqliteErrorCode is SQLitePCL.raw.SQLITE_FULL or SQLitePCL.raw.SQLITE_IOERR or SQLitePCL.raw.SQLITE_READONLY)
            {
                // Deleting needs room in the log too. The results stay and are sent again; the coordinator keeps each once.
                Log.AcknowledgeFailed(_logger, Path, sequence, ex.Message);
                return 0;
            }
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

            // What waits in memory is pending too; its sequences are given when it is stored.
            return new OutboxCounts(reader.GetInt64(0) + _held.Count, reader.GetInt64(1), reader.GetInt64(2) + _droppedHeld, reader.GetInt64(3));
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

        [LoggerMessage(6002, LogLevel.Error, "Cannot write the outbox {Path}: {Reason}. New results wait in memory (at most {Limit}) and are written, in order, once the disk has room")]
        public static partial void NotWritable(ILogger logger, string path, string reason, int limit);

        [LoggerMessage(6003, LogLevel.Information, "The outbox {Path} is writable again: {Count} result(s) held in memory are stored")]
        public static partial void Writable(ILogger logger, string path, int count);

        [LoggerMessage(6004, LogLevel.Warning, "Cannot remove acknowledged results through sequence {Sequence} from the outbox {Path}: {Reason}. They are sent again later and the coordinator keeps each once")]
        public static partial void AcknowledgeFailed(ILogger logger, string path, long sequence, string reason);
    }
}
