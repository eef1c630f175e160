using System.Data.Common;
using NetworkTwin.Contracts.Sync;
using Npgsql;
using NpgsqlTypes;

namespace NetworkTwin.Central.Repository;

/// <summary>
/// The repository in PostgreSQL (production): pooled connections, so agents store concurrently,
/// and a whole batch goes in with one INSERT ... SELECT FROM unnest(arrays) round trip. The
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

    protected override int InsertResults(DbConnection connection, DbTransaction transaction, string agentId, IReadOnlyList<Result> results, string now, string? traceParent)
    {
        var sequences = new long[results.Count];
        var produced = new long[results.Count];
        var kinds = new string[results.Count];
        var payloads = new byte[results.Count][];
        var links = new int?[results.Count];
        var cells = new int?[results.Count];
        for (var i = 0; i < results.Count; i++)
        {
            var r = results[i];
            (sequences[i], produced[i], kinds[i], payloads[i], links[i], cells[i]) = (r.Sequence, r.ProducedUnixMs, KindOf(r), PayloadOf(r), LinkOf(r), CellOf(r));
        }

        using var insert = new NpgsqlCommand(
            """
            INSERT INTO results (agent_id, sequence, produced_unix_ms, kind, payload, received_at, link_id, cell_id, trace_parent)
            SELECT @agent, u.s, u.p, u.k, u.b, @now, u.l, u.c, CASE WHEN u.l IS NULL THEN NULL ELSE @trace END
            FROM unnest(@seqs, @produced, @kinds, @payloads, @links, @cells) AS u(s, p, k, b, l, c)
            ON CONFLICT DO NOTHING
            """,
            (NpgsqlConnection)connection,
            (NpgsqlTransaction)transaction);
        insert.Parameters.AddWithValue("agent", agentId);
        insert.Parameters.AddWithValue("now", now);
        insert.Parameters.AddWithValue("trace", NpgsqlDbType.Text, (object?)traceParent ?? DBNull.Value);
        insert.Parameters.AddWithValue("seqs", NpgsqlDbType.Array | NpgsqlDbType.Bigint, sequences);
        insert.Parameters.AddWithValue("produced", NpgsqlDbType.Array | NpgsqlDbType.Bigint, produced);
        insert.Parameters.AddWithValue("kinds", NpgsqlDbType.Array | NpgsqlDbType.Text, kinds);
        insert.Parameters.AddWithValue("payloads", NpgsqlDbType.Array | NpgsqlDbType.Bytea, payloads);
        insert.Parameters.AddWithValue("links", NpgsqlDbType.Array | NpgsqlDbType.Integer, links);
        insert.Parameters.AddWithValue("cells", NpgsqlDbType.Array | NpgsqlDbType.Integer, cells);
        return insert.ExecuteNonQuery();
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
