using System.Data.Common;
using System.Globalization;
using Google.Protobuf;
using NetworkTwin.Analytics.Design;
using NetworkTwin.Contracts.Design;
using static NetworkTwin.Central.Repository.Sql;

namespace NetworkTwin.Central.Repository;

/// <summary>
/// The design history every operator shares: each validation, failure simulation, generated, recommended and optimised
/// design, the option an operator chose, and how a built design turned out. A record is kept in two parts: what lists,
/// reports and the dashboard read (small), and its design (topology, intent, log), read only when asked for. The
/// recommender reads its inputs from columns: the outcomes of similar intents, without parsing a record.
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

    /// <summary>One record, with its design.</summary>
    public DesignRecord? Get(long recordId) => Query(
        "SELECT payload, detail FROM design_records WHERE record_id = @id",
        reader => Whole(reader),
        ("id", recordId)).FirstOrDefault();

    /// <summary>
    /// A page of the history, newest first, below the record id <paramref name="beforeId"/> (0 = from the newest); with
    /// each design (topology, intent, log) only when <paramref name="withDesigns"/>.
    /// </summary>
    public IReadOnlyList<DesignRecord> Page(Filter filter, int limit, long beforeId = 0, bool withDesigns = false) => Query(
        $"""
        SELECT payload{(withDesigns ? ", detail" : string.Empty)} FROM design_records
        WHERE {Where}
          AND (@before = 0 OR record_id < @before)
        ORDER BY record_id DESC LIMIT @limit
        """,
        reader => withDesigns ? Whole(reader) : Light(reader),
        [.. Parameters(filter), ("before", beforeId), ("limit", limit)]);

    /// <summary>Every record since a time, oldest first, without designs: what the learning report reads.</summary>
    public IReadOnlyList<DesignRecord> Since(long sinceUnixMs) => Query(
        "SELECT payload FROM design_records WHERE recorded_unix_ms >= @since ORDER BY record_id",
        Light,
        ("since", sinceUnixMs));

    /// <summary>
    /// What the recommender learns from for an intent of this redundancy and objective: each scored option of a pattern,
    /// as it turned out once an operator reported it (its realised score, and whether the intent was met), else as scored.
    /// </summary>
    public IReadOnlyList<Analytics.Design.DesignOutcome> Outcomes(Redundancy redundancy, Objective objective) => Query(
        """
        SELECT sites, regions, total_demand_gbps, pattern, COALESCE(realised_score, score), COALESCE(met_intent, met_constraints, 1)
        FROM design_records
        WHERE score IS NOT NULL AND redundancy = @redundancy AND objective = @objective AND pattern <> ''
        """,
        reader => Enum.TryParse<TopologyPattern>(reader.GetString(3), out var pattern)
            ? new Analytics.Design.DesignOutcome(
                new Analytics.Design.IntentFeatures(Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture), Convert.ToInt32(reader.GetValue(1), CultureInfo.InvariantCulture), redundancy, objective, reader.GetDouble(2)),
                pattern,
                reader.GetDouble(4),
                Convert.ToInt64(reader.GetValue(5), CultureInfo.InvariantCulture) == 1)
            : null,
        ("redundancy", redundancy.ToString()),
        ("objective", objective.ToString())).OfType<Analytics.Design.DesignOutcome>().ToList();

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

        var others = new List<DesignRecord>();
        using (var command = NewCommand(connection, transaction, "SELECT payload FROM design_records WHERE run_id = @run AND record_id <> @id", ("run", record.RunId), ("id", recordId)))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                others.Add(Light(reader));
            }
        }

        foreach (var other in others.Where(o => o.Chosen))
        {
            other.Chosen = false;
            other.ChosenBy = string.Empty;
            other.ChosenUnixMs = 0;
            Rewrite(connection, transaction, other);
        }

        record.Chosen = true;
        record.ChosenBy = who;
        record.ChosenUnixMs = atUnixMs;
    });

    /// <summary>
    /// Records how a built design turned out (the latest report replaces an earlier one), made by
    /// <paramref name="outcomeOf"/> from the record as held (what it expected). Returns the record, or null when there is
    /// none with that id; throws InvalidOperationException when it is not a design (validate, simulate).
    /// </summary>
    public DesignRecord? ReportOutcome(long recordId, Func<DesignRecord, BuiltOutcome> outcomeOf) => Update(recordId, (_, _, record) =>
    {
        if (record.Pattern.Length == 0)
        {
            throw new InvalidOperationException($"design record {recordId} is a {record.Operation} of a network, not a design that could be built");
        }

        record.Outcome = outcomeOf(record);
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

    private static DesignRecord Light(DbDataReader reader) => DesignRecord.Parser.ParseFrom((byte[])reader.GetValue(0));

    /// <summary>The record with its design: the detail holds only the design's fields, so merging fills them in.</summary>
    private static DesignRecord Whole(DbDataReader reader)
    {
        var record = Light(reader);
        record.MergeFrom((byte[])reader.GetValue(1));
        return record;
    }

    private DesignRecord? Update(long recordId, Action<DbConnection, DbTransaction, DesignRecord> change) => Run(connection =>
    {
        using var transaction = connection.BeginTransaction();

        // An update that changes nothing takes the row's lock first (PostgreSQL; SQLite's write lock), so two replicas
        // changing one record one after the other both count.
        Execute(connection, transaction, "UPDATE design_records SET payload = payload WHERE record_id = @id", ("id", recordId));
        DesignRecord? record = null;
        using (var command = NewCommand(connection, transaction, "SELECT payload FROM design_records WHERE record_id = @id", ("id", recordId)))
        using (var reader = command.ExecuteReader())
        {
            if (reader.Read())
            {
                record = Light(reader);
            }
        }

        if (record is null)
        {
            return null;
        }

        change(connection, transaction, record);
        Rewrite(connection, transaction, record);
        transaction.Commit();
        return record;
    });

    private static long Insert(DbConnection connection, DbTransaction transaction, DesignRecord record)
    {
        var features = record.Features ?? new Contracts.Design.IntentFeatures();
        return Convert.ToInt64(
            Scalar(
                connection,
                transaction,
                """
                INSERT INTO design_records (recorded_unix_ms, operator, operation, intent_name, pattern, sites, regions, redundancy, objective,
                    total_demand_gbps, score, met_constraints, run_id, source, source_id, payload, detail)
                VALUES (@at, @operator, @operation, @intent, @pattern, @sites, @regions, @redundancy, @objective,
                    @demand, @score, @met, 0, @source, @source_id, @empty, @detail) RETURNING record_id
                """,
                ("at", record.RecordedUnixMs),
                ("operator", record.Operator),
                ("operation", record.Operation),
                ("intent", record.IntentName),
                ("pattern", record.Pattern),
                ("sites", features.Sites),
                ("regions", features.Regions),
                ("redundancy", features.Redundancy),
                ("objective", features.Objective),
                ("demand", features.TotalDemandGbps),
                ("score", record.HasScore ? record.Score : null),
                ("met", record.HasMetConstraints ? (record.MetConstraints ? 1 : 0) : null),
                ("source", record.Source),
                ("source_id", record.SourceId),
                ("empty", Array.Empty<byte>()),
                ("detail", Detail(record).ToByteArray())),
            CultureInfo.InvariantCulture);
    }

    /// <summary>A record's design: what only <see cref="Get"/> and lists that ask read.</summary>
    private static DesignRecord Detail(DesignRecord record)
    {
        var detail = new DesignRecord { NetworkJson = record.NetworkJson, IntentJson = record.IntentJson };
        detail.Log.AddRange(record.Log);
        return detail;
    }

    /// <summary>Writes the record's small part (with its id and run), and the columns of its run and outcome.</summary>
    private static void Rewrite(DbConnection connection, DbTransaction transaction, DesignRecord record)
    {
        var light = record.Clone();
        light.NetworkJson = string.Empty;
        light.IntentJson = string.Empty;
        light.Log.Clear();
        var outcome = record.Outcome;
        Execute(
            connection,
            transaction,
            "UPDATE design_records SET payload = @payload, run_id = @run, realised_score = @realised, met_intent = @met_intent WHERE record_id = @id",
            ("payload", light.ToByteArray()),
            ("run", record.RunId),
            ("realised", outcome is null ? null : outcome.RealisedScore),
            ("met_intent", outcome is null ? null : outcome.MetIntent ? 1 : 0),
            ("id", record.RecordId));
    }
}
