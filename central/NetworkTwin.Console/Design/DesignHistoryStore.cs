using System.Text.Json;
using Google.Protobuf;
using Microsoft.Data.Sqlite;
using NetworkTwin.Analytics.Design;
using DesignRecord = NetworkTwin.Contracts.Design.DesignRecord;

namespace NetworkTwin.Console.Design;

/// <summary>
/// Every generation, validation, simulation, recommendation and optimisation, recorded in a
/// SQLite file (intent, design, scores, outcome), and read back by the recommender as the
/// outcomes of similar intents. The coordinator's repository takes this over when it exists.
/// </summary>
public sealed class DesignHistoryStore : IDisposable
{
    private readonly SqliteConnection _connection;

    public DesignHistoryStore(string path)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        Path = path;
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _connection.Open();
        using var command = _connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS design_runs (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                at TEXT NOT NULL,
                operation TEXT NOT NULL,
                intent_name TEXT NOT NULL,
                features TEXT NOT NULL,
                pattern TEXT,
                score REAL,
                met_constraints INTEGER,
                scores TEXT,
                intent TEXT,
                design TEXT,
                outcome TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS design_runs_pattern ON design_runs(pattern);
            CREATE TABLE IF NOT EXISTS history_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            INSERT OR IGNORE INTO history_meta (key, value) VALUES ('file_id', lower(hex(randomblob(16))));
            """;
        command.ExecuteNonQuery();

        // Files written before the coordinator kept the history have no record column: their rows import from the columns.
        command.CommandText = "SELECT COUNT(*) FROM pragma_table_info('design_runs') WHERE name = 'record'";
        if ((long)command.ExecuteScalar()! == 0)
        {
            command.CommandText = "ALTER TABLE design_runs ADD COLUMN record BLOB";
            command.ExecuteNonQuery();
        }

        command.CommandText = "SELECT value FROM history_meta WHERE key = 'file_id'";
        FileId = (string)command.ExecuteScalar()!;
    }

    /// <summary>This file's own id, made when it was created: an import into a coordinator names its rows by it, so they come once.</summary>
    public string FileId { get; }

    public string Path { get; }

    public static string DefaultPath =>
        System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "networktwin", "design-history.db");

    /// <summary>
    /// Records the records of one run (a recommendation's options share the id of the first as their run id); returns
    /// them with their ids in this file.
    /// </summary>
    public IReadOnlyList<DesignRecord> Record(IReadOnlyList<DesignRecord> records)
    {
        using var transaction = _connection.BeginTransaction();
        var stored = new List<DesignRecord>(records.Count);
        foreach (var original in records)
        {
            var record = original.Clone();
            record.RecordedUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            record.Operator = Environment.UserName;
            using var command = _connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                INSERT INTO design_runs (at, operation, intent_name, features, pattern, score, met_constraints, scores, intent, design, outcome)
                VALUES ($at, $op, $name, $features, $pattern, $score, $met, $scores, $intent, $design, $outcome);
                SELECT last_insert_rowid();
                """;
            var features = DesignOperations.Features(record.Features);
            command.Parameters.AddWithValue("$at", DateTimeOffset.FromUnixTimeMilliseconds(record.RecordedUnixMs).ToString("O"));
            command.Parameters.AddWithValue("$op", record.Operation);
            command.Parameters.AddWithValue("$name", record.IntentName);
            command.Parameters.AddWithValue("$features", features is null ? "{}" : JsonSerializer.Serialize(features, IntentFiles.Json));
            command.Parameters.AddWithValue("$pattern", record.Pattern.Length > 0 ? record.Pattern : DBNull.Value);
            command.Parameters.AddWithValue("$score", record.HasScore ? record.Score : DBNull.Value);
            command.Parameters.AddWithValue("$met", record.HasMetConstraints ? (record.MetConstraints ? 1 : 0) : DBNull.Value);
            command.Parameters.AddWithValue("$scores", record.Scores is null ? DBNull.Value : JsonFormatter.Default.Format(record.Scores));
            command.Parameters.AddWithValue("$intent", record.IntentJson.Length > 0 ? record.IntentJson : DBNull.Value);
            command.Parameters.AddWithValue("$design", record.NetworkJson.Length > 0 ? record.NetworkJson : DBNull.Value);
            command.Parameters.AddWithValue("$outcome", record.Summary);
            record.RecordId = (long)command.ExecuteScalar()!;
            if (record.Operation == "recommend")
            {
                record.RunId = stored.Count == 0 ? record.RecordId : stored[0].RecordId;
            }

            using var payload = _connection.CreateCommand();
            payload.Transaction = transaction;
            payload.CommandText = "UPDATE design_runs SET record = $record WHERE id = $id";
            payload.Parameters.AddWithValue("$record", record.ToByteArray());
            payload.Parameters.AddWithValue("$id", record.RecordId);
            payload.ExecuteNonQuery();
            stored.Add(record);
        }

        transaction.Commit();
        return stored;
    }

    /// <summary>
    /// The rows after <paramref name="afterId"/>, oldest first, as records, each with its id in this file as source id:
    /// what an import sends. Rows written before records were kept are rebuilt from their columns.
    /// </summary>
    public IReadOnlyList<DesignRecord> Rows(long afterId, int limit)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT id, at, operation, intent_name, features, pattern, score, met_constraints, outcome, intent, design, record FROM design_runs WHERE id > $after ORDER BY id LIMIT $limit";
        command.Parameters.AddWithValue("$after", afterId);
        command.Parameters.AddWithValue("$limit", limit);
        using var reader = command.ExecuteReader();
        var list = new List<DesignRecord>();
        while (reader.Read())
        {
            var record = reader.IsDBNull(11) ? FromColumns(reader) : DesignRecord.Parser.ParseFrom((byte[])reader.GetValue(11));
            record.SourceId = reader.GetInt64(0);
            list.Add(record);
        }

        return list;
    }

    private static DesignRecord FromColumns(SqliteDataReader reader)
    {
        var record = new DesignRecord
        {
            RecordedUnixMs = DateTimeOffset.Parse(reader.GetString(1), System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds(),
            Operation = reader.GetString(2),
            IntentName = reader.GetString(3),
            Pattern = reader.IsDBNull(5) ? string.Empty : reader.GetString(5),
            Summary = reader.GetString(8),
            IntentJson = reader.IsDBNull(9) ? string.Empty : reader.GetString(9),
        };
        try
        {
            if (JsonSerializer.Deserialize<IntentFeatures>(reader.GetString(4), IntentFiles.Json) is { } features)
            {
                record.Features = DesignOperations.Features(features);
            }
        }
        catch (JsonException)
        {
            // An unreadable row's features stay unknown; the row still imports.
        }

        if (!reader.IsDBNull(6))
        {
            record.Score = reader.GetDouble(6);
        }

        if (!reader.IsDBNull(7))
        {
            record.MetConstraints = reader.GetInt64(7) == 1;
        }

        return record;
    }

    /// <summary>Recorded pattern outcomes (recommendations and optimisations), for the recommender.</summary>
    public IReadOnlyList<DesignOutcome> Outcomes()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT features, pattern, score, met_constraints FROM design_runs WHERE pattern IS NOT NULL AND score IS NOT NULL";
        using var reader = command.ExecuteReader();
        var list = new List<DesignOutcome>();
        while (reader.Read())
        {
            var features = JsonSerializer.Deserialize<IntentFeatures>(reader.GetString(0), IntentFiles.Json);
            if (features is not null && Enum.TryParse<TopologyPattern>(reader.GetString(1), out var pattern))
            {
                list.Add(new DesignOutcome(features, pattern, reader.GetDouble(2), !reader.IsDBNull(3) && reader.GetInt64(3) == 1));
            }
        }

        return list;
    }

    public long Count()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM design_runs";
        return (long)command.ExecuteScalar()!;
    }

    public void Dispose() => _connection.Dispose();
}
