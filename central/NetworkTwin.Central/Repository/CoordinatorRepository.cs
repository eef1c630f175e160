using System.Data.Common;
using System.Globalization;
using Google.Protobuf;
using NetworkTwin.Contracts.Operators;
using NetworkTwin.Contracts.Sync;
using NetworkTwin.Contracts.Topology;

namespace NetworkTwin.Central.Repository;

/// <summary>
/// The coordinator's unified repository: agents, their results keyed by (agent id, sequence),
/// and what the coordinator derives from them. One schema and one set of queries over ADO.NET;
/// <see cref="SqliteRepository"/> (a file in the data directory, the default) and
/// <see cref="PostgresRepository"/> (production) differ only in connection handling, the DDL
/// dialect of each migration and how a batch of results is inserted.
/// </summary>
public abstract class CoordinatorRepository : IDisposable
{
    /// <summary>Where the data lives, for logs and status: never contains a password.</summary>
    public abstract string Description { get; }

    /// <summary>The schema migrations of this dialect, applied in order, each once.</summary>
    public abstract IReadOnlyList<string> Migrations { get; }

    /// <summary>
    /// The schema migrations, applied in order, each once; every dialect fills in its types for
    /// <c>{int64}</c>, <c>{bytes}</c> and <c>{identity}</c> (an auto-numbered primary key).
    /// </summary>
    private static readonly string[] GenericMigrations =
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
            sequence {int64} NOT NULL,
            produced_unix_ms {int64} NOT NULL,
            kind TEXT NOT NULL,
            payload {bytes} NOT NULL,
            received_at TEXT NOT NULL,
            PRIMARY KEY (agent_id, sequence));
        """,

        // 2: the link a result is about, for the operators' latest-per-link queries.
        """
        ALTER TABLE results ADD COLUMN link_id INTEGER;
        CREATE INDEX results_link ON results (agent_id, link_id, sequence);
        """,

        // 3: the cell a window result is about; loss evidence and link results by time (partial indexes: only the rows they serve); discovered link maps.
        """
        ALTER TABLE results ADD COLUMN cell_id INTEGER;
        CREATE INDEX results_cell ON results (agent_id, cell_id, sequence) WHERE cell_id IS NOT NULL;
        CREATE INDEX results_loss_time ON results (produced_unix_ms) WHERE kind = 'Loss';
        CREATE INDEX results_link_time ON results (produced_unix_ms) WHERE link_id IS NOT NULL;
        CREATE TABLE topology_maps (
            version {int64} PRIMARY KEY,
            computed_at TEXT NOT NULL,
            payload {bytes} NOT NULL);
        """,

        // 4: commands to agents and their outcomes (pending until the agent acknowledges).
        """
        CREATE TABLE commands (
            command_id {identity},
            agent_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            payload {bytes} NOT NULL,
            issued_at TEXT NOT NULL,
            state TEXT NOT NULL,
            acknowledged_at TEXT,
            detail TEXT NOT NULL);
        CREATE INDEX commands_agent ON commands (agent_id, state, command_id);
        """,

        // 5: failure simulations the design twin published, for the dashboard.
        """
        CREATE TABLE design_runs (
            run_id {identity},
            network TEXT NOT NULL,
            published_at TEXT NOT NULL,
            payload {bytes} NOT NULL);
        """,

        // 6: the agents' load forecasts by time (partial index); the models the coordinator trained, with their ONNX bytes.
        """
        CREATE INDEX results_forecast_time ON results (produced_unix_ms) WHERE kind = 'Forecast';
        CREATE TABLE models (
            version {identity},
            name TEXT NOT NULL,
            trained_at TEXT NOT NULL,
            state TEXT NOT NULL,
            onnx {bytes} NOT NULL,
            payload {bytes} NOT NULL);
        """,

        // 7: governed control: the agents' measured effects by time, the coordinator's decisions, and the append-only audit trail.
        """
        CREATE INDEX results_effect_time ON results (produced_unix_ms) WHERE kind = 'Effect';
        CREATE TABLE decisions (
            decision_id {identity},
            agent_id TEXT NOT NULL,
            link_id INTEGER NOT NULL,
            state TEXT NOT NULL,
            command_id {int64},
            created_at TEXT NOT NULL,
            payload {bytes} NOT NULL);
        CREATE INDEX decisions_link ON decisions (agent_id, link_id, decision_id);
        CREATE INDEX decisions_state ON decisions (state, decision_id);
        CREATE TABLE audit (
            entry_id {identity},
            at_unix_ms {int64} NOT NULL,
            decision_id {int64} NOT NULL,
            actor TEXT NOT NULL,
            event TEXT NOT NULL,
            detail TEXT NOT NULL);
        CREATE INDEX audit_decision ON audit (decision_id, entry_id);
        {append-only audit}
        """,

        // 8: what-if runs on the twin's state, as operators asked for them.
        """
        CREATE TABLE scenario_runs (
            run_id {identity},
            run_at TEXT NOT NULL,
            payload {bytes} NOT NULL);
        """,

        // 9: the trace context of the span that stored a link result, so a decision made from it joins that trace.
        """
        ALTER TABLE results ADD COLUMN trace_parent TEXT;
        """,

        // 10: leases: which coordinator replica runs the singleton loops, until when (the database's clock).
        """
        CREATE TABLE leases (
            name TEXT PRIMARY KEY,
            holder TEXT NOT NULL,
            expires_unix_ms {int64} NOT NULL);
        """,

        // 11: the newest result of each (agent, kind, link or cell), kept as results are stored, so that the current links,
        // cells and forecasts are read in O(links) rather than found among all results; the indexes that found them go,
        // which every insert paid for. Forecasts carry their link only in the payload: theirs fill in as agents send the next.
        """
        CREATE TABLE latest_results (
            agent_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            subject_id INTEGER NOT NULL,
            sequence {int64} NOT NULL,
            produced_unix_ms {int64} NOT NULL,
            payload {bytes} NOT NULL,
            trace_parent TEXT,
            PRIMARY KEY (agent_id, kind, subject_id));
        INSERT INTO latest_results (agent_id, kind, subject_id, sequence, produced_unix_ms, payload, trace_parent)
        SELECT r.agent_id, r.kind, r.link_id, r.sequence, r.produced_unix_ms, r.payload, r.trace_parent FROM results r
        WHERE r.link_id IS NOT NULL AND r.sequence = (SELECT MAX(r2.sequence) FROM results r2 WHERE r2.agent_id = r.agent_id AND r2.link_id = r.link_id);
        INSERT INTO latest_results (agent_id, kind, subject_id, sequence, produced_unix_ms, payload, trace_parent)
        SELECT r.agent_id, r.kind, r.cell_id, r.sequence, r.produced_unix_ms, r.payload, NULL FROM results r
        WHERE r.cell_id IS NOT NULL AND r.sequence = (SELECT MAX(r2.sequence) FROM results r2 WHERE r2.agent_id = r.agent_id AND r2.cell_id = r.cell_id);
        DROP INDEX results_link;
        DROP INDEX results_cell;
        """,

        // 12: each agent's count of stored results and highest stored sequence, kept as batches are stored, so that the
        // agent list (the operators' API, the metrics scraped every few seconds) reads O(agents), not every result.
        """
        ALTER TABLE agents ADD COLUMN results_stored {int64} NOT NULL DEFAULT 0;
        ALTER TABLE agents ADD COLUMN stored_through {int64} NOT NULL DEFAULT 0;
        UPDATE agents SET
            results_stored = (SELECT COUNT(*) FROM results r WHERE r.agent_id = agents.agent_id),
            stored_through = (SELECT COALESCE(MAX(r.sequence), 0) FROM results r WHERE r.agent_id = agents.agent_id);
        """,
    ];

    private readonly Dictionary<long, ByteString> _modelBytes = [];

    public int SchemaVersion => Run(c => Convert.ToInt32(Scalar(c, null, "SELECT version FROM schema_version"), CultureInfo.InvariantCulture));

    /// <summary>Runs database work on a connection (serialised for SQLite, pooled for PostgreSQL).</summary>
    protected abstract T Run<T>(Func<DbConnection, T> work);

    /// <summary>The database's own clock in Unix milliseconds, as SQL: every replica reads one clock for leases.</summary>
    protected abstract string NowUnixMsSql { get; }

    /// <summary>Taken inside the migration transaction so that two coordinators starting together migrate once (null: not needed).</summary>
    protected virtual string? MigrationLock => null;

    /// <summary>Creates the version table if needed, then applies each missing migration in its own (locked) transaction.</summary>
    protected void Migrate() => Run(connection =>
    {
        while (true)
        {
            using var transaction = connection.BeginTransaction();
            if (MigrationLock is { } lockSql)
            {
                Execute(connection, transaction, lockSql);
            }

            Execute(connection, transaction, """
                CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
                INSERT INTO schema_version (version) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM schema_version);
                """);

            var version = Convert.ToInt32(Scalar(connection, transaction, "SELECT version FROM schema_version"), CultureInfo.InvariantCulture);
            if (version >= Migrations.Count)
            {
                transaction.Commit();
                return 0;
            }

            Execute(connection, transaction, Migrations[version]);
            Execute(connection, transaction, "UPDATE schema_version SET version = @v", ("v", version + 1));
            transaction.Commit();
        }
    });

    public void Register(RegisterRequest request) => Run(connection => Execute(
        connection,
        null,
        """
        INSERT INTO agents (agent_id, site, version, capabilities, registered_at, last_seen)
        VALUES (@id, @site, @version, @caps, @now, @now)
        ON CONFLICT (agent_id) DO UPDATE SET site = @site, version = @version, capabilities = @caps, last_seen = @now
        """,
        ("id", request.AgentId),
        ("site", request.Site),
        ("version", request.Version),
        ("caps", string.Join(',', request.Capabilities)),
        ("now", Now())));

    /// <summary>
    /// Stores a batch atomically: the results not stored yet, and the agent's last-seen time. Returns how many were new and
    /// the highest sequence stored for the agent, which the agent's outbox trusts: everything through it is kept.
    /// </summary>
    /// <param name="agentId">The agent the batch came from.</param>
    /// <param name="results">The batch.</param>
    /// <param name="traceParent">The W3C traceparent of the span storing it, kept with its link results (empty or null: not traced).</param>
    public abstract Task<(int Inserted, long StoredThrough)> StoreAsync(string agentId, IReadOnlyList<Result> results, string? traceParent = null);

    /// <summary><see cref="StoreAsync"/>, waited for (tests and tools).</summary>
    public (int Inserted, long StoredThrough) Store(string agentId, IReadOnlyList<Result> results, string? traceParent = null) =>
        StoreAsync(agentId, results, traceParent).GetAwaiter().GetResult();

    /// <summary>The statement that marks an agent seen (@agent, @now) as a batch of it is stored, with how many the batch added and the agent's new stored-through, as each dialect writes them.</summary>
    protected static string MarkSeen(string inserted, string storedThrough) =>
        $"UPDATE agents SET last_seen = @now, results_stored = results_stored + {inserted}, stored_through = {storedThrough} WHERE agent_id = @agent";

    /// <summary>
    /// Keeps the newest result of each (@agent, @kind, @subject): inserted, or replacing an older one; a resent or late
    /// result leaves a newer one alone. The dialects give the values (@seq, @produced, @payload, @trace) or a SELECT.
    /// </summary>
    protected static string UpsertLatest(string rows) => $"""
        INSERT INTO latest_results (agent_id, kind, subject_id, sequence, produced_unix_ms, payload, trace_parent) {rows}
        ON CONFLICT (agent_id, kind, subject_id) DO UPDATE SET sequence = excluded.sequence, produced_unix_ms = excluded.produced_unix_ms,
            payload = excluded.payload, trace_parent = excluded.trace_parent
        WHERE excluded.sequence > latest_results.sequence
        """;

    /// <summary>The columns of a result row, in the order the dialects' inserts give them.</summary>
    protected const string ResultColumns = "agent_id, sequence, produced_unix_ms, kind, payload, received_at, link_id, cell_id, trace_parent";

    /// <summary>Highest sequence stored for an agent (0 when none).</summary>
    public long StoredThrough(string agentId) => Run(connection => Convert.ToInt64(Scalar(connection, null, StoredThroughSql, ("agent", agentId)), CultureInfo.InvariantCulture));

    /// <summary>The highest sequence stored for @agent (0 when none).</summary>
    protected const string StoredThroughSql = "SELECT COALESCE(MAX(sequence), 0) FROM results WHERE agent_id = @agent";

    /// <summary>All sequences stored for an agent, in order (for checks and the operators' tools).</summary>
    public IReadOnlyList<long> Sequences(string agentId) => Query(
        "SELECT sequence FROM results WHERE agent_id = @agent ORDER BY sequence",
        reader => reader.GetInt64(0),
        ("agent", agentId));

    /// <summary>Every agent with its result count and highest stored sequence.</summary>
    public IReadOnlyList<AgentSummary> Agents() => Query(
        """
        SELECT agent_id, site, version, registered_at, last_seen, results_stored, stored_through
        FROM agents ORDER BY site, agent_id
        """,
        reader => new AgentSummary
        {
            AgentId = reader.GetString(0),
            Site = reader.GetString(1),
            Version = reader.GetString(2),
            RegisteredUnixMs = ParseTime(reader.GetString(3)),
            LastSeenUnixMs = ParseTime(reader.GetString(4)),
            ResultsStored = reader.GetInt64(5),
            StoredThrough = reader.GetInt64(6),
        });

    /// <summary>
    /// Every agent's current links, optionally for one site: the newest capacity result of each (agent, link),
    /// less the links whose cells a newer window of the same agent put on another link. A cell is on one link
    /// at a time, so a link from a first, partial window (cells 7 and 8 alone, say, before the window filled
    /// and put them with 5 and 6) is gone once a newer result claims its cells.
    /// </summary>
    public IReadOnlyList<LinkSummary> LatestLinks(string? site)
    {
        var newest = Query(
            """
            SELECT l.agent_id, a.site, l.produced_unix_ms, l.payload, l.trace_parent
            FROM latest_results l JOIN agents a ON a.agent_id = l.agent_id
            WHERE l.kind = 'Link' AND (@site = '' OR a.site = @site)
            ORDER BY a.site, l.agent_id, l.subject_id
            """,
            reader => new LinkSummary
            {
                AgentId = reader.GetString(0),
                Site = reader.GetString(1),
                ProducedUnixMs = reader.GetInt64(2),
                Link = Result.Parser.ParseFrom((byte[])reader.GetValue(3)).Link,
                TraceParent = reader.IsDBNull(4) ? string.Empty : reader.GetString(4),
            },
            ("site", site ?? string.Empty));
        // Compared within each agent only: the estate's links are not compared with each other.
        return [.. newest.GroupBy(l => l.AgentId).SelectMany(agent => agent.Where(l => !agent.Any(other => other.ProducedUnixMs > l.ProducedUnixMs && other.Link.Cells.Intersect(l.Link.Cells).Any())))];
    }

    /// <summary>Every agent's link capacity results produced since <paramref name="sinceUnixMs"/>, oldest first, at most <paramref name="limit"/> (the newest).</summary>
    public IReadOnlyList<LinkSummary> LinkHistory(long sinceUnixMs, int limit) => Query(
        """
        SELECT agent_id, site, produced_unix_ms, payload FROM (
            SELECT r.agent_id, a.site, r.produced_unix_ms, r.payload, r.sequence
            FROM results r JOIN agents a ON a.agent_id = r.agent_id
            WHERE r.link_id IS NOT NULL AND r.produced_unix_ms >= @since
            ORDER BY r.produced_unix_ms DESC LIMIT @limit) latest
        ORDER BY produced_unix_ms, agent_id
        """,
        reader => new LinkSummary
        {
            AgentId = reader.GetString(0),
            Site = reader.GetString(1),
            ProducedUnixMs = reader.GetInt64(2),
            Link = Result.Parser.ParseFrom((byte[])reader.GetValue(3)).Link,
        },
        ("since", sinceUnixMs),
        ("limit", limit));

    /// <summary>Every agent's loss evidence produced since <paramref name="sinceUnixMs"/>.</summary>
    public IReadOnlyList<(string AgentId, string Site, CellLossEvents Events)> LossEvidence(long sinceUnixMs) => Query(
        """
        SELECT r.agent_id, a.site, r.payload
        FROM results r JOIN agents a ON a.agent_id = r.agent_id
        WHERE r.kind = 'Loss' AND r.produced_unix_ms >= @since
        """,
        reader => (reader.GetString(0), reader.GetString(1), Result.Parser.ParseFrom((byte[])reader.GetValue(2)).Loss),
        ("since", sinceUnixMs));

    /// <summary>The latest window result of every cell of every agent produced since <paramref name="sinceUnixMs"/>.</summary>
    public IReadOnlyList<(string AgentId, string Site, long ProducedUnixMs, CellWindow Cell)> LatestCells(long sinceUnixMs) => Query(
        """
        SELECT l.agent_id, a.site, l.produced_unix_ms, l.payload
        FROM latest_results l JOIN agents a ON a.agent_id = l.agent_id
        WHERE l.kind = 'Cell' AND l.produced_unix_ms >= @since
        ORDER BY a.site, l.agent_id, l.subject_id
        """,
        reader => (reader.GetString(0), reader.GetString(1), reader.GetInt64(2), Result.Parser.ParseFrom((byte[])reader.GetValue(3)).Cell),
        ("since", sinceUnixMs));

    /// <summary>Stores a discovered link map as the next version; returns the map with its version set.</summary>
    public TopologyMap SaveTopology(TopologyMap map) => Run(connection =>
    {
        using var transaction = connection.BeginTransaction();
        var version = Convert.ToInt64(Scalar(connection, transaction, "SELECT COALESCE(MAX(version), 0) + 1 FROM topology_maps"), CultureInfo.InvariantCulture);
        var stored = map.Clone();
        stored.Version = version;
        Execute(connection, transaction, "INSERT INTO topology_maps (version, computed_at, payload) VALUES (@v, @now, @payload)", ("v", version), ("now", Now()), ("payload", stored.ToByteArray()));
        transaction.Commit();
        return stored;
    });

    /// <summary>The newest stored link map, or null before the first discovery.</summary>
    public TopologyMap? LatestTopology() => Query(
        "SELECT payload FROM topology_maps ORDER BY version DESC LIMIT 1",
        reader => TopologyMap.Parser.ParseFrom((byte[])reader.GetValue(0))).FirstOrDefault();

    /// <summary>
    /// Records a command for an agent as pending and announces it to the other coordinators sharing the repository (so
    /// the one the agent's downlink is on sends it at once); returns it with its id and issue time.
    /// </summary>
    public Command IssueCommand(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var issued = command.Clone();
        issued.IssuedUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var stored = InsertNumbered(
            issued,
            "commands",
            "command_id",
            [("agent_id", issued.AgentId), ("kind", issued.BodyCase.ToString()), ("issued_at", Now()), ("state", "pending"), ("detail", string.Empty)],
            (c, id) => c.CommandId = id);
        AnnounceCommand(stored.AgentId);
        return stored;
    }

    /// <summary>Tells the coordinators listening (<see cref="ListenForCommandsAsync"/>) that the agent has a new command; nothing where the repository is one node's.</summary>
    protected virtual void AnnounceCommand(string agentId)
    {
    }

    /// <summary>
    /// Calls <paramref name="agentHasCommands"/> with the agent of every command issued on any coordinator sharing the
    /// repository, until cancelled or the connection fails (the caller listens again); <paramref name="listening"/> is
    /// called once the subscription is in place. Where the repository is one node's there is nothing to hear: it
    /// waits for the cancellation.
    /// </summary>
    public virtual async Task ListenForCommandsAsync(Action<string> agentHasCommands, Action listening, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(listening);
        listening();
        await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Rolls a stored model out to agents: one command each that names the model's version, not a copy of its bytes
    /// (those stay once, in the models table, and are put back when an agent's command is read for sending).
    /// </summary>
    public IReadOnlyList<Command> IssueModelUpdate(IEnumerable<string> agentIds, ModelUpdate reference, string reason)
    {
        ArgumentNullException.ThrowIfNull(agentIds);
        ArgumentNullException.ThrowIfNull(reference);
        var update = reference.Clone();
        update.Onnx = ByteString.Empty;
        return [.. agentIds.Select(agent => IssueCommand(new Command { AgentId = agent, Model = update, Reason = reason }))];
    }

    /// <summary>
    /// An agent's pending commands with an id above <paramref name="afterId"/>, oldest first, each as it is sent: a
    /// model update carries its version's bytes (when the version is no longer stored it goes without, and the agent
    /// refuses it saying so).
    /// </summary>
    public IReadOnlyList<Command> PendingCommands(string agentId, long afterId)
    {
        var commands = Query(
            "SELECT payload FROM commands WHERE agent_id = @agent AND state = 'pending' AND command_id > @after ORDER BY command_id",
            reader => Command.Parser.ParseFrom((byte[])reader.GetValue(0)),
            ("agent", agentId),
            ("after", afterId));
        foreach (var command in commands.Where(c => c.BodyCase == Command.BodyOneofCase.Model && c.Model.Onnx.IsEmpty))
        {
            if (ModelBytes(command.Model.Version) is { } onnx)
            {
                command.Model.Onnx = onnx;
            }
        }

        return commands;
    }

    /// <summary>A stored model's bytes, kept for the newest few versions read (every agent's rollout reads the same one).</summary>
    private ByteString? ModelBytes(long version)
    {
        lock (_modelBytes)
        {
            if (_modelBytes.TryGetValue(version, out var cached))
            {
                return cached;
            }
        }

        var stored = Query("SELECT onnx FROM models WHERE version = @version", reader => ByteString.CopyFrom((byte[])reader.GetValue(0)), ("version", version)).FirstOrDefault();
        if (stored is not null)
        {
            lock (_modelBytes)
            {
                if (_modelBytes.Count >= 4)
                {
                    _modelBytes.Remove(_modelBytes.Keys.Min());
                }

                _modelBytes[version] = stored;
            }
        }

        return stored;
    }

    /// <summary>Records an agent's outcome of its pending command; false when there is no such pending command.</summary>
    public bool AcknowledgeCommand(string agentId, long commandId, bool applied, string detail) => Run(connection => Execute(
        connection,
        null,
        "UPDATE commands SET state = @state, acknowledged_at = @now, detail = @detail WHERE command_id = @id AND agent_id = @agent AND state = 'pending'",
        ("state", applied ? "applied" : "refused"),
        ("now", Now()),
        ("detail", detail.Length > 2000 ? detail[..2000] : detail),
        ("id", commandId),
        ("agent", agentId)) == 1);

    /// <summary>Stores a published design run; returns it with its id and time.</summary>
    public DesignRun SaveDesignRun(DesignRun run)
    {
        var stored = run.Clone();
        stored.PublishedUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        return InsertNumbered(stored, "design_runs", "run_id", [("network", stored.Network), ("published_at", Now())], (r, id) => r.RunId = id);
    }

    /// <summary>Published design runs, newest first.</summary>
    public IReadOnlyList<DesignRun> DesignRuns(int limit) => Query(
        "SELECT payload FROM design_runs ORDER BY run_id DESC LIMIT @limit",
        reader => DesignRun.Parser.ParseFrom((byte[])reader.GetValue(0)),
        ("limit", limit));

    /// <summary>
    /// The link loads (window means) every agent reported since <paramref name="sinceUnixMs"/>, at most the
    /// newest <paramref name="perLink"/> of each (agent, link), oldest first: what the models learn from.
    /// </summary>
    public IReadOnlyList<(string AgentId, int LinkId, long ProducedUnixMs, double MeanGbps, string Cells)> LinkLoads(long sinceUnixMs, int perLink) => Query(
        """
        SELECT agent_id, produced_unix_ms, payload FROM (
            SELECT agent_id, link_id, sequence, produced_unix_ms, payload,
                   ROW_NUMBER() OVER (PARTITION BY agent_id, link_id ORDER BY sequence DESC) AS newest
            FROM results WHERE link_id IS NOT NULL AND produced_unix_ms >= @since) ranked
        WHERE newest <= @per
        ORDER BY agent_id, link_id, sequence
        """,
        reader =>
        {
            var link = Result.Parser.ParseFrom((byte[])reader.GetValue(2)).Link;
            return (reader.GetString(0), link.LinkId, reader.GetInt64(1), link.MeanGbps, string.Join(',', link.Cells));
        },
        ("since", sinceUnixMs),
        ("per", perLink));

    /// <summary>Forecasts produced since <paramref name="sinceUnixMs"/>, oldest first; with <paramref name="latestOnly"/> only the newest of each (agent, link).</summary>
    public IReadOnlyList<ForecastSummary> Forecasts(long sinceUnixMs, string? agentId, bool latestOnly) => Query(
        latestOnly
            ? """
              SELECT l.agent_id, a.site, l.produced_unix_ms, l.payload
              FROM latest_results l JOIN agents a ON a.agent_id = l.agent_id
              WHERE l.kind = 'Forecast' AND l.produced_unix_ms >= @since AND (@agent = '' OR l.agent_id = @agent)
              ORDER BY a.site, l.agent_id, l.subject_id
              """
            : """
              SELECT r.agent_id, a.site, r.produced_unix_ms, r.payload
              FROM results r JOIN agents a ON a.agent_id = r.agent_id
              WHERE r.kind = 'Forecast' AND r.produced_unix_ms >= @since AND (@agent = '' OR r.agent_id = @agent)
              ORDER BY r.produced_unix_ms, r.agent_id, r.sequence
              """,
        reader => new ForecastSummary
        {
            AgentId = reader.GetString(0),
            Site = reader.GetString(1),
            ProducedUnixMs = reader.GetInt64(2),
            Forecast = Result.Parser.ParseFrom((byte[])reader.GetValue(3)).Forecast,
        },
        ("since", sinceUnixMs),
        ("agent", agentId ?? string.Empty));

    /// <summary>Stores a trained model; its version is the row's number. Returns the record with the version set.</summary>
    public ModelRecord SaveModel(ModelRecord record, byte[] onnx) => InsertNumbered(
        record.Clone(),
        "models",
        "version",
        [("name", record.Name), ("trained_at", Now()), ("state", record.State), ("onnx", onnx)],
        (r, version) => r.Version = version);

    /// <summary>Replaces a stored model's record (its state, detail and the agents it went to), and its ONNX bytes when given.</summary>
    public void UpdateModel(ModelRecord record, byte[]? onnx = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (onnx is not null)
        {
            lock (_modelBytes)
            {
                _modelBytes.Remove(record.Version);
            }
        }

        Run(connection => Execute(
            connection,
            null,
            "UPDATE models SET state = @state, payload = @payload, onnx = COALESCE(@onnx, onnx) WHERE version = @version",
            ("state", record.State),
            ("payload", record.ToByteArray()),
            ("onnx", onnx),
            ("version", record.Version)));
    }

    /// <summary>Trained models, newest first.</summary>
    public IReadOnlyList<ModelRecord> Models(int limit) => Query(
        "SELECT payload FROM models ORDER BY version DESC LIMIT @limit",
        reader => ModelRecord.Parser.ParseFrom((byte[])reader.GetValue(0)),
        ("limit", limit));

    /// <summary>The newest shipped model and its ONNX bytes, or null before the first.</summary>
    public (ModelRecord Record, byte[] Onnx)? ShippedModel() => Query(
        "SELECT payload, onnx FROM models WHERE state = 'shipped' ORDER BY version DESC LIMIT 1",
        reader => (ModelRecord.Parser.ParseFrom((byte[])reader.GetValue(0)), (byte[])reader.GetValue(1))).Cast<(ModelRecord, byte[])?>().FirstOrDefault();

    /// <summary>Stores a new decision; its id is the row's number. Returns it with id and times set.</summary>
    public Decision SaveDecision(Decision decision)
    {
        var stored = decision.Clone();
        stored.CreatedUnixMs = stored.UpdatedUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        return InsertNumbered(
            stored,
            "decisions",
            "decision_id",
            [("agent_id", stored.AgentId), ("link_id", stored.LinkId), ("state", stored.State), ("command_id", stored.CommandId), ("created_at", Now())],
            (d, id) => d.DecisionId = id);
    }

    /// <summary>
    /// Replaces a decision's record when its state is still <paramref name="expectedState"/> (so two
    /// coordinators, or an operator and the control loop, cannot both move it on); false otherwise.
    /// </summary>
    public bool UpdateDecision(Decision decision, string expectedState)
    {
        var stored = decision.Clone();
        stored.UpdatedUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        return Run(connection => Execute(
            connection,
            null,
            "UPDATE decisions SET state = @state, command_id = @command, payload = @payload WHERE decision_id = @id AND state = @expected",
            ("state", stored.State),
            ("command", stored.CommandId),
            ("payload", stored.ToByteArray()),
            ("id", stored.DecisionId),
            ("expected", expectedState)) == 1);
    }

    public Decision? DecisionById(long decisionId) => Query(
        "SELECT payload FROM decisions WHERE decision_id = @id",
        reader => Decision.Parser.ParseFrom((byte[])reader.GetValue(0)),
        ("id", decisionId)).FirstOrDefault();

    /// <summary>Decisions, newest first, optionally in some states only.</summary>
    public IReadOnlyList<Decision> Decisions(IReadOnlyCollection<string>? states, int limit)
    {
        var list = states is { Count: > 0 } ? states.ToList() : null;
        var filter = list is null ? string.Empty : "WHERE state IN (" + string.Join(", ", list.Select((_, i) => "@s" + i)) + ")";
        return Query(
            $"SELECT payload FROM decisions {filter} ORDER BY decision_id DESC LIMIT @limit",
            reader => Decision.Parser.ParseFrom((byte[])reader.GetValue(0)),
            [.. (list ?? []).Select((s, i) => ("s" + i, (object?)s)), ("limit", limit)]);
    }

    /// <summary>How many decisions are in each state (for /metrics).</summary>
    public IReadOnlyDictionary<string, long> DecisionCounts() => Query(
        "SELECT state, COUNT(*) FROM decisions GROUP BY state",
        reader => (reader.GetString(0), reader.GetInt64(1))).ToDictionary(x => x.Item1, x => x.Item2, StringComparer.Ordinal);

    /// <summary>The newest decision about an agent's link, or null.</summary>
    public Decision? LatestDecision(string agentId, int linkId) => Query(
        "SELECT payload FROM decisions WHERE agent_id = @agent AND link_id = @link ORDER BY decision_id DESC LIMIT 1",
        reader => Decision.Parser.ParseFrom((byte[])reader.GetValue(0)),
        ("agent", agentId),
        ("link", linkId)).FirstOrDefault();

    /// <summary>Appends a line to the audit trail (which the schema keeps append-only).</summary>
    public AuditEntry Audit(long decisionId, string actor, string @event, string detail) => Run(connection =>
    {
        var entry = new AuditEntry { AtUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), DecisionId = decisionId, Actor = actor, Event = @event, Detail = detail.Length > 4000 ? detail[..4000] : detail };
        entry.EntryId = Convert.ToInt64(
            Scalar(
                connection,
                null,
                "INSERT INTO audit (at_unix_ms, decision_id, actor, event, detail) VALUES (@at, @decision, @actor, @event, @detail) RETURNING entry_id",
                ("at", entry.AtUnixMs),
                ("decision", decisionId),
                ("actor", actor),
                ("event", @event),
                ("detail", entry.Detail)),
            CultureInfo.InvariantCulture);
        return entry;
    });

    /// <summary>The audit trail, oldest first: the newest <paramref name="limit"/> entries, of one decision or of all (decision 0).</summary>
    public IReadOnlyList<AuditEntry> AuditTrail(long decisionId, int limit) => Query(
        """
        SELECT entry_id, at_unix_ms, decision_id, actor, event, detail FROM (
            SELECT * FROM audit WHERE (@decision = 0 OR decision_id = @decision) ORDER BY entry_id DESC LIMIT @limit) newest
        ORDER BY entry_id
        """,
        reader => new AuditEntry
        {
            EntryId = reader.GetInt64(0),
            AtUnixMs = reader.GetInt64(1),
            DecisionId = reader.GetInt64(2),
            Actor = reader.GetString(3),
            Event = reader.GetString(4),
            Detail = reader.GetString(5),
        },
        ("decision", decisionId),
        ("limit", limit));

    /// <summary>The effect an agent measured after applying a command, or null while none has arrived.</summary>
    public ControlEffect? EffectOf(string agentId, long commandId) => Query(
        "SELECT payload FROM results WHERE kind = 'Effect' AND agent_id = @agent ORDER BY sequence DESC LIMIT 50",
        reader => Result.Parser.ParseFrom((byte[])reader.GetValue(0)).Effect,
        ("agent", agentId)).FirstOrDefault(e => e.CommandId == commandId);

    /// <summary>A command's state (pending, applied, refused) and the agent's detail, or null when there is no such command.</summary>
    public (string State, string Detail)? CommandState(long commandId) => Query(
        "SELECT state, detail FROM commands WHERE command_id = @id",
        reader => (reader.GetString(0), reader.GetString(1)),
        ("id", commandId)).Cast<(string, string)?>().FirstOrDefault();

    /// <summary>Records a what-if run; returns it with its id.</summary>
    public ScenarioRun SaveScenarioRun(ScenarioRun run) => InsertNumbered(run.Clone(), "scenario_runs", "run_id", [("run_at", Now())], (r, id) => r.RunId = id);

    /// <summary>Recorded what-if runs, newest first.</summary>
    public IReadOnlyList<ScenarioRun> ScenarioRuns(int limit) => Query(
        "SELECT payload FROM scenario_runs ORDER BY run_id DESC LIMIT @limit",
        reader => ScenarioRun.Parser.ParseFrom((byte[])reader.GetValue(0)),
        ("limit", limit));

    /// <summary>Runs a raw statement: for tests that show what the schema itself refuses (the audit trail's triggers).</summary>
    internal int ExecuteForTest(string sql) => Run(connection => Execute(connection, null, sql));

    /// <summary>How many commands wait for their agent's acknowledgement.</summary>
    public long PendingCommandCount() => Run(connection => Convert.ToInt64(Scalar(connection, null, "SELECT COUNT(*) FROM commands WHERE state = 'pending'"), CultureInfo.InvariantCulture));

    /// <summary>
    /// Takes or renews the lease <paramref name="name"/> for <paramref name="holder"/> until <paramref name="ttl"/> from
    /// now on the database's clock: granted when it is free, expired or already the holder's, or in any case with
    /// <paramref name="takeOver"/>. Returns the holder after the attempt (the caller holds it when that is itself). One
    /// statement, so two replicas cannot both win.
    /// </summary>
    public string TryHoldLease(string name, string holder, TimeSpan ttl, bool takeOver = false) => Run(connection =>
    {
        Execute(
            connection,
            null,
            $"""
            INSERT INTO leases (name, holder, expires_unix_ms) VALUES (@name, @holder, {NowUnixMsSql} + @ttl)
            ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_unix_ms = excluded.expires_unix_ms
            WHERE @takeOver = 1 OR leases.holder = excluded.holder OR leases.expires_unix_ms < {NowUnixMsSql}
            """,
            ("name", name),
            ("holder", holder),
            ("ttl", (long)ttl.TotalMilliseconds),
            ("takeOver", takeOver ? 1 : 0));
        return (string)Scalar(connection, null, "SELECT holder FROM leases WHERE name = @name", ("name", name))!;
    });

    /// <summary>Who holds the lease and for how many more milliseconds (negative: expired), or null when nobody has taken it.</summary>
    public (string Holder, long RemainingMs)? LeaseHolder(string name) => Query(
        $"SELECT holder, expires_unix_ms - {NowUnixMsSql} FROM leases WHERE name = @name",
        reader => (reader.GetString(0), Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture)),
        ("name", name)).Cast<(string, long)?>().FirstOrDefault();

    /// <summary>Whether several coordinators can share this repository as replicas (PostgreSQL), or it is one node's own (SQLite).</summary>
    public virtual bool SharedByReplicas => false;

    /// <summary>Gives the lease up (a replica stopping cleanly), so another takes it at its next renewal instead of at expiry.</summary>
    public void ReleaseLease(string name, string holder) =>
        Run(connection => Execute(connection, null, "DELETE FROM leases WHERE name = @name AND holder = @holder", ("name", name), ("holder", holder)));

    /// <summary>Commands with their state, newest first, optionally for one agent.</summary>
    public IReadOnlyList<CommandRecord> Commands(string? agentId, int limit) => Query(
        """
        SELECT payload, state, acknowledged_at, detail FROM commands
        WHERE (@agent = '' OR agent_id = @agent) ORDER BY command_id DESC LIMIT @limit
        """,
        reader => new CommandRecord
        {
            Command = Command.Parser.ParseFrom((byte[])reader.GetValue(0)),
            State = reader.GetString(1),
            AcknowledgedUnixMs = reader.IsDBNull(2) ? 0 : ParseTime(reader.GetString(2)),
            Detail = reader.GetString(3),
        },
        ("agent", agentId ?? string.Empty),
        ("limit", limit));

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }

    /// <summary>The migrations with a dialect's type names filled in.</summary>
    protected static string[] Dialect(IReadOnlyDictionary<string, string> types) =>
        [.. GenericMigrations.Select(m => types.Aggregate(m, (text, t) => text.Replace(t.Key, t.Value, StringComparison.Ordinal)))];

    protected static string Now() => DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);

    protected static long ParseTime(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();

    /// <summary>A result as its row: the columns, and what it is the newest of besides its agent and kind (a link, a cell or a link's forecast; null: not kept as newest).</summary>
    protected readonly record struct StoredRow(long Sequence, long ProducedUnixMs, string Kind, byte[] Payload, int? Link, int? Cell, int? Subject);

    /// <summary>The rows of a batch: serialised by the caller, off the writer's path.</summary>
    protected static StoredRow[] RowsOf(IReadOnlyList<Result> results)
    {
        var rows = new StoredRow[results.Count];
        for (var i = 0; i < rows.Length; i++)
        {
            var r = results[i];
            var (kind, link, cell, subject) = r.BodyCase switch
            {
                Result.BodyOneofCase.Link => ("Link", r.Link.LinkId, (int?)null, r.Link.LinkId),
                Result.BodyOneofCase.Cell => ("Cell", null, r.Cell.CellId, r.Cell.CellId),
                Result.BodyOneofCase.Forecast => ("Forecast", null, null, r.Forecast.LinkId),
                var other => (other.ToString(), (int?)null, (int?)null, (int?)null),
            };
            rows[i] = new StoredRow(r.Sequence, r.ProducedUnixMs, kind, r.ToByteArray(), link, cell, subject);
        }

        return rows;
    }

    /// <summary>The newest row of each (kind, subject) in a batch, by sequence.</summary>
    protected static IEnumerable<StoredRow> NewestBySubject(StoredRow[] rows) => rows
        .Where(r => r.Subject is not null)
        .GroupBy(r => (r.Kind, r.Subject))
        .Select(g => g.MaxBy(r => r.Sequence));

    protected static DbCommand NewCommand(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value ?? DBNull.Value;
            command.Parameters.Add(p);
        }

        return command;
    }

    protected static int Execute(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = NewCommand(connection, transaction, sql, parameters);
        return command.ExecuteNonQuery();
    }

    protected static object? Scalar(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = NewCommand(connection, transaction, sql, parameters);
        return command.ExecuteScalar();
    }

    /// <summary>
    /// Inserts a row whose payload carries the row's own generated id: the row goes in first
    /// (RETURNING the id), then its payload with the id set, in one transaction.
    /// </summary>
    private T InsertNumbered<T>(T message, string table, string idColumn, (string Column, object? Value)[] columns, Action<T, long> setId)
        where T : IMessage<T> => Run(connection =>
    {
        using var transaction = connection.BeginTransaction();
        var names = string.Join(", ", columns.Select(c => c.Column));
        var values = string.Join(", ", columns.Select(c => "@" + c.Column));
        var id = Convert.ToInt64(
            Scalar(connection, transaction, $"INSERT INTO {table} ({names}, payload) VALUES ({values}, @payload) RETURNING {idColumn}", [.. columns, ("payload", Array.Empty<byte>())]),
            CultureInfo.InvariantCulture);
        setId(message, id);
        Execute(connection, transaction, $"UPDATE {table} SET payload = @payload WHERE {idColumn} = @id", ("payload", message.ToByteArray()), ("id", id));
        transaction.Commit();
        return message;
    });

    /// <summary>Runs a read and maps every row.</summary>
    protected List<T> Query<T>(string sql, Func<DbDataReader, T> map, params (string Name, object? Value)[] parameters) => Run(connection =>
    {
        using var command = NewCommand(connection, null, sql, parameters);
        using var reader = command.ExecuteReader();
        var list = new List<T>();
        while (reader.Read())
        {
            list.Add(map(reader));
        }

        return list;
    });
}
