using System.Text.Json;
using Microsoft.Data.Sqlite;
using NetworkTwin.Analytics.Design;

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
            """;
        command.ExecuteNonQuery();
    }

    public string Path { get; }

    public static string DefaultPath =>
        System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "networktwin", "design-history.db");

    public long Record(string operation, string intentName, IntentFeatures features, TopologyPattern? pattern, double? score, bool? met, object? scores, object? intent, object? design, string outcome)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = """
            INSERT INTO design_runs (at, operation, intent_name, features, pattern, score, met_constraints, scores, intent, design, outcome)
            VALUES ($at, $op, $name, $features, $pattern, $score, $met, $scores, $intent, $design, $outcome);
            SELECT last_insert_rowid();
            """;
        command.Parameters.AddWithValue("$at", DateTimeOffset.UtcNow.ToString("O"));
        command.Parameters.AddWithValue("$op", operation);
        command.Parameters.AddWithValue("$name", intentName);
        command.Parameters.AddWithValue("$features", JsonSerializer.Serialize(features, IntentFiles.Json));
        command.Parameters.AddWithValue("$pattern", (object?)pattern?.ToString() ?? DBNull.Value);
        command.Parameters.AddWithValue("$score", (object?)score ?? DBNull.Value);
        command.Parameters.AddWithValue("$met", met is null ? DBNull.Value : met.Value ? 1 : 0);
        command.Parameters.AddWithValue("$scores", scores is null ? DBNull.Value : JsonSerializer.Serialize(scores, IntentFiles.Json));
        command.Parameters.AddWithValue("$intent", intent is null ? DBNull.Value : JsonSerializer.Serialize(intent, IntentFiles.Json));
        command.Parameters.AddWithValue("$design", design is null ? DBNull.Value : JsonSerializer.Serialize(design, IntentFiles.Json));
        command.Parameters.AddWithValue("$outcome", outcome);
        return (long)command.ExecuteScalar()!;
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
