using System.Data.Common;
using NetworkTwin.Contracts.Sync;
using Npgsql;
using NpgsqlTypes;

namespace NetworkTwin.Central.Repository;

/// <summary>
/// The repository in PostgreSQL (production): pooled connections, so agents store concurrently,
/// and a whole batch goes in with one statement, INSERT ... SELECT FROM unnest(arrays), in one round trip. The
/// schema is the SQLite one step for step, in PostgreSQL's types.
/// </summary>
public sealed class PostgresRepository : CoordinatorRepository
{
    private readonly NpgsqlDataSource _source;

    /// <param name="connectionString">An Npgsql connection string (Host, Port, Database, Username, Password, ...).</param>
    public PostgresRepository(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        Description = $"PostgreSQL {builder.Host}:{builder.Port}/{builder.Database} as {builder.Username}";
        _source = NpgsqlDataSource.Create(builder);
        Migrate();
    }

    public override string Description { get; }

    public override IReadOnlyList<string> Migrations => PostgresMigrations;

    /// <summary>The schema migrations in PostgreSQL's types.</summary>
    internal static readonly string[] PostgresMigrations = Dialect(new Dictionary<string, string>
    {
        ["{int64}"] = "BIGINT",
        ["{bytes}"] = "BYTEA",
        ["{identity}"] = "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
        ["{append-only audit}"] = """
            CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'the audit trail is append-only'; END $$;
            CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit FOR EACH ROW EXECUTE FUNCTION audit_append_only();
            CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
            """,
    });

    /// <summary>A transaction-scoped advisory lock: a second coordinator waits for the first one's migration.</summary>
    protected override string? MigrationLock => "SELECT pg_advisory_xact_lock(7070)";

    public override bool SharedByReplicas => true;

    /// <summary>The PostgreSQL channel that carries the agent id of each command issued.</summary>
    internal const string CommandChannel = "networktwin_commands";

    protected override void AnnounceCommand(string agentId) =>
        Run(connection => Execute(connection, null, $"SELECT pg_notify('{CommandChannel}', @agent)", ("agent", agentId)));

    public override async Task ListenForCommandsAsync(Action<string> agentHasCommands, Action listening, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(agentHasCommands);
        ArgumentNullException.ThrowIfNull(listening);
        var connection = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            connection.Notification += (_, e) => agentHasCommands(e.Payload);
            var listen = new NpgsqlCommand($"LISTEN {CommandChannel}", connection);
            await using (listen.ConfigureAwait(false))
            {
                await listen.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            listening();
            while (true)
            {
                await connection.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    protected override string NowUnixMsSql => "(EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::bigint";

    protected override T Run<T>(Func<DbConnection, T> work)
    {
        using var connection = _source.OpenConnection();
        return work(connection);
    }

    /// <summary>
    /// Stores a batch in one statement, one round trip and its own transaction: the rows go in from arrays (unnest), the
    /// agent is marked seen, and the stored-through sequence is the higher of what was there and what went in (the
    /// statement's snapshot does not see its own inserts).
    /// </summary>
    public override (int Inserted, long StoredThrough) Store(string agentId, IReadOnlyList<Result> results, string? traceParent = null)
    {
        var sequences = new long[results.Count];
        var produced = new long[results.Count];
        var kinds = new string[results.Count];
        var payloads = new byte[results.Count][];
        var links = new int?[results.Count];
        var cells = new int?[results.Count];
        var subjects = new int?[results.Count];
        for (var i = 0; i < results.Count; i++)
        {
            var r = results[i];
            (sequences[i], produced[i], kinds[i], payloads[i], links[i], cells[i], subjects[i]) = (r.Sequence, r.ProducedUnixMs, KindOf(r), PayloadOf(r), LinkOf(r), CellOf(r), SubjectOf(r));
        }

        using var connection = _source.OpenConnection();
        using var store = new NpgsqlCommand(
            $"""
            WITH inserted AS (
                INSERT INTO results ({ResultColumns})
                SELECT @agent, u.s, u.p, u.k, u.b, @now, u.l, u.c, CASE WHEN u.l IS NULL THEN NULL ELSE @trace END
                FROM unnest(@seqs, @produced, @kinds, @payloads, @links, @cells) AS u(s, p, k, b, l, c)
                ON CONFLICT DO NOTHING
                RETURNING sequence),
            latest AS ({UpsertLatest("""
                SELECT DISTINCT ON (u.k, u.j) @agent, u.k, u.j, u.s, u.p, u.b, CASE WHEN u.l IS NULL THEN NULL ELSE @trace END
                FROM unnest(@seqs, @produced, @kinds, @payloads, @links, @subjects) AS u(s, p, k, b, l, j)
                WHERE u.j IS NOT NULL ORDER BY u.k, u.j, u.s DESC
                """)}),
            seen AS ({MarkSeenSql})
            SELECT (SELECT COUNT(*) FROM inserted), GREATEST(({StoredThroughSql}), (SELECT COALESCE(MAX(sequence), 0) FROM inserted))
            """,
            connection);
        store.Parameters.AddWithValue("agent", agentId);
        store.Parameters.AddWithValue("now", Now());
        store.Parameters.AddWithValue("trace", NpgsqlDbType.Text, string.IsNullOrEmpty(traceParent) ? DBNull.Value : traceParent);
        store.Parameters.AddWithValue("seqs", NpgsqlDbType.Array | NpgsqlDbType.Bigint, sequences);
        store.Parameters.AddWithValue("produced", NpgsqlDbType.Array | NpgsqlDbType.Bigint, produced);
        store.Parameters.AddWithValue("kinds", NpgsqlDbType.Array | NpgsqlDbType.Text, kinds);
        store.Parameters.AddWithValue("payloads", NpgsqlDbType.Array | NpgsqlDbType.Bytea, payloads);
        store.Parameters.AddWithValue("links", NpgsqlDbType.Array | NpgsqlDbType.Integer, links);
        store.Parameters.AddWithValue("cells", NpgsqlDbType.Array | NpgsqlDbType.Integer, cells);
        store.Parameters.AddWithValue("subjects", NpgsqlDbType.Array | NpgsqlDbType.Integer, subjects);
        using var reader = store.ExecuteReader();
        reader.Read();
        return (checked((int)reader.GetInt64(0)), reader.GetInt64(1));
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _source.Dispose();
        }

        base.Dispose(disposing);
    }
}
