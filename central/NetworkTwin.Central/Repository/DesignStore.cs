using System.Data.Common;
using System.Globalization;
using Google.Protobuf;
using NetworkTwin.Contracts.Design;
using static NetworkTwin.Central.Repository.Sql;

namespace NetworkTwin.Central.Repository;

/// <summary>
/// The design history every operator shares: each validation, failure simulation, generated, recommended and optimised
/// design (the record as payload, with the columns the list filters on), the option an operator chose, and how a built
/// design turned out. The recommender reads it back as the outcomes of similar intents.
/// </summary>
public sealed class DesignStore(CoordinatorRepository database) : RepositoryStore(database)
{
    /// <summary>What a history list is filtered by; empty and zero mean any.</summary>
    public sealed record Filter(string Pattern = "", string Intent = "", string Operation = "", long SinceUnixMs = 0, long UntilUnixMs = 0, string Operator = "");

    /// <summary>
    /// Stores the records of one run in one transaction, each with its id; a recommendation's options share the id of the
    /// first (its run id). Returns them as stored.
    /// </summary>
    public IReadOnlyList<DesignRecord> Save(IReadOnlyList<DesignRecord> records) => Run(connection =>
    {
        using var transaction = connection.BeginTransaction();
        var stored = records.Select(r => r.Clone()).ToList();
        foreach (var record in stored)
        {
            record.RecordId = Insert(connection, transaction, record);
            if (record.Operation == "recommend")
            {
                record.RunId = stored[0].RecordId;
            }

            Rewrite(connection, transaction, record);
        }

        transaction.Commit();
        return (IReadOnlyList<DesignRecord>)stored;
    });

    public DesignRecord? Get(long recordId) => Query(
        "SELECT payload FROM design_records WHERE record_id = @id",
        reader => DesignRecord.Parser.ParseFrom((byte[])reader.GetValue(0)),
        ("id", recordId)).FirstOrDefault();

    /// <summary>A page of the history, newest first, below the record id <paramref name="beforeId"/> (0 = from the newest).</summary>
    public IReadOnlyList<DesignRecord> Page(Filter filter, int limit, long beforeId = 0) => Query(
        $"""
        SELECT payload FROM design_records
        WHERE {Where}
          AND (@before = 0 OR record_id < @before)
        ORDER BY record_id DESC LIMIT @limit
        """,
        reader => DesignRecord.Parser.ParseFrom((byte[])reader.GetValue(0)),
        [.. Parameters(filter), ("before", beforeId), ("limit", limit)]);

    /// <summary>Every record since a time, oldest first: what the learning report and the recommender read.</summary>
    public IReadOnlyList<DesignRecord> Since(long sinceUnixMs) => Query(
        "SELECT payload FROM design_records WHERE recorded_unix_ms >= @since ORDER BY record_id",
        reader => DesignRecord.Parser.ParseFrom((byte[])reader.GetValue(0)),
        ("since", sinceUnixMs));

    /// <summary>
    /// Marks a recommended option as the one an operator chose; another option of the same run chosen before is no
    /// longer. Returns the record, or null when there is none with that id. Throws InvalidOperationException when the
    /// record is not a recommended option.
    /// </summary>
    public DesignRecord? Choose(long recordId, string who, long atUnixMs) => Update(recordId, (connection, transaction, record) =>
    {
        if (record.Operation != "recommend" || record.RunId == 0)
        {
            throw new InvalidOperationException($"design record {recordId} is a {record.Operation}, not an option of a recommendation run");
        }

        foreach (var other in Query(connection, transaction, "SELECT payload FROM design_records WHERE operation = 'recommend' AND record_id <> @id AND record_id >= @run", ("id", recordId), ("run", record.RunId)))
        {
            if (other.RunId == record.RunId && other.Chosen)
            {
                other.Chosen = false;
                other.ChosenBy = string.Empty;
                other.ChosenUnixMs = 0;
                Rewrite(connection, transaction, other);
            }
        }

        record.Chosen = true;
        record.ChosenBy = who;
        record.ChosenUnixMs = atUnixMs;
    });

    /// <summary>
    /// Records how a built design turned out (the latest report replaces an earlier one). Returns the record, or null
    /// when there is none with that id; throws InvalidOperationException when it is not a design (validate, simulate).
    /// </summary>
    public DesignRecord? ReportOutcome(long recordId, BuiltOutcome outcome) => Update(recordId, (_, _, record) =>
    {
        if (record.Pattern.Length == 0)
        {
            throw new InvalidOperationException($"design record {recordId} is a {record.Operation} of a network, not a design that could be built");
        }

        record.Outcome = outcome;
    });

    /// <summary>
    /// Adds the rows of a local history file that this repository does not hold yet (by source and the row's id there),
    /// in one transaction. Returns how many were added and how many it had.
    /// </summary>
    public (int Added, int Already) Import(string source, IReadOnlyList<DesignRecord> records) => Run(connection =>
    {
        using var transaction = connection.BeginTransaction();
        var added = 0;
        foreach (var record in records)
        {
            var held = Convert.ToInt64(
                Scalar(connection, transaction, "SELECT COUNT(*) FROM design_records WHERE source = @source AND source_id = @id", ("source", source), ("id", record.SourceId)),
                CultureInfo.InvariantCulture);
            if (held > 0)
            {
                continue;
            }

            var copy = record.Clone();
            copy.Source = source;
            copy.RecordId = Insert(connection, transaction, copy);
            Rewrite(connection, transaction, copy);
            added++;
        }

        transaction.Commit();
        return (added, records.Count - added);
    });

    /// <summary>How many records the history holds.</summary>
    public long Count() => Run(connection => Convert.ToInt64(Scalar(connection, null, "SELECT COUNT(*) FROM design_records"), CultureInfo.InvariantCulture));

    private const string Where = """
        (@pattern = '' OR pattern = @pattern)
          AND (@operation = '' OR operation = @operation)
          AND (@operator = '' OR operator = @operator)
          AND (@intent = '' OR LOWER(intent_name) LIKE @intent ESCAPE '!')
          AND (@since = 0 OR recorded_unix_ms >= @since)
          AND (@until = 0 OR recorded_unix_ms < @until)
        """;

    private static (string, object?)[] Parameters(Filter filter) =>
    [
        ("pattern", filter.Pattern),
        ("operation", filter.Operation),
        ("operator", filter.Operator),
        ("intent", filter.Intent.Length == 0 ? string.Empty : "%" + Escape(filter.Intent.ToLowerInvariant()) + "%"),
        ("since", filter.SinceUnixMs),
        ("until", filter.UntilUnixMs),
    ];

    /// <summary>LIKE's wildcards in the text asked for are taken literally (escaped with '!', as both engines allow).</summary>
    private static string Escape(string text) => text.Replace("!", "!!", StringComparison.Ordinal).Replace("%", "!%", StringComparison.Ordinal).Replace("_", "!_", StringComparison.Ordinal);

    private DesignRecord? Update(long recordId, Action<DbConnection, DbTransaction, DesignRecord> change) => Run(connection =>
    {
        using var transaction = connection.BeginTransaction();

        // An update that changes nothing takes the row's lock first (PostgreSQL; SQLite's write lock), so two replicas
        // changing one record one after the other both count.
        Execute(connection, transaction, "UPDATE design_records SET payload = payload WHERE record_id = @id", ("id", recordId));
        var record = Query(connection, transaction, "SELECT payload FROM design_records WHERE record_id = @id", ("id", recordId)).FirstOrDefault();
        if (record is null)
        {
            return null;
        }

        change(connection, transaction, record);
        Rewrite(connection, transaction, record);
        transaction.Commit();
        return record;
    });

    private static long Insert(DbConnection connection, DbTransaction transaction, DesignRecord record) => Convert.ToInt64(
        Scalar(
            connection,
            transaction,
            """
            INSERT INTO design_records (recorded_unix_ms, operator, operation, intent_name, pattern, source, source_id, payload)
            VALUES (@at, @operator, @operation, @intent, @pattern, @source, @source_id, @payload) RETURNING record_id
            """,
            ("at", record.RecordedUnixMs),
            ("operator", record.Operator),
            ("operation", record.Operation),
            ("intent", record.IntentName),
            ("pattern", record.Pattern),
            ("source", record.Source),
            ("source_id", record.SourceId),
            ("payload", Array.Empty<byte>())),
        CultureInfo.InvariantCulture);

    private static void Rewrite(DbConnection connection, DbTransaction transaction, DesignRecord record) =>
        Execute(connection, transaction, "UPDATE design_records SET payload = @payload WHERE record_id = @id", ("payload", record.ToByteArray()), ("id", record.RecordId));

    private static List<DesignRecord> Query(DbConnection connection, DbTransaction transaction, string sql, params (string, object?)[] parameters)
    {
        using var command = NewCommand(connection, transaction, sql, parameters);
        using var reader = command.ExecuteReader();
        var list = new List<DesignRecord>();
        while (reader.Read())
        {
            list.Add(DesignRecord.Parser.ParseFrom((byte[])reader.GetValue(0)));
        }

        return list;
    }
}
