
namespace NetworkTwin.Central.Repository;

/// <summary>
/// The schema, one migration per step, applied in order and each once by <see cref="CoordinatorRepository"/>.
/// </summary>
internal static class RepositoryMigrations
{
    /// <summary>
    /// The schema migrations, applied in order, each once; every dialect fills in its types for
    /// <c>{int64}</c>, <c>{real}</c>, <c>{bytes}</c> and <c>{identity}</c> (an auto-numbered primary key).
    /// </summary>
    private static readonly string[] Generic =
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

        // 13: per-link rollups: each agent link's windows over a minute and over an hour, kept by the ingest path from the
        // results it stored (a resent result is not counted twice), so that the control pass, what-if runs, the dashboard and
        // the operators' API read O(links x buckets) rather than every window. Keyed by time first, so that a time range is
        // read, and dropped when it expires, in one range. Windows stored before this migration are not rolled up.
        """
        CREATE TABLE link_rollups (
            bucket_seconds INTEGER NOT NULL,
            bucket_unix_ms {int64} NOT NULL,
            agent_id TEXT NOT NULL,
            link_id INTEGER NOT NULL,
            windows {int64} NOT NULL,
            first_unix_ms {int64} NOT NULL,
            last_unix_ms {int64} NOT NULL,
            capacity_max {real} NOT NULL,
            mean_sum {real} NOT NULL,
            mean_max {real} NOT NULL,
            peak_max {real} NOT NULL,
            loss_windows {int64} NOT NULL,
            loss_sum {real} NOT NULL,
            loss_max {real} NOT NULL,
            target_gbps {real} NOT NULL,
            PRIMARY KEY (bucket_seconds, bucket_unix_ms, agent_id, link_id));
        """,

        // 14: results by day, where the engine can drop a day whole when retention expires it rather than delete it row by
        // row: on PostgreSQL a partition per UTC day of produced_unix_ms (the key gains the time, which a resent result
        // repeats); on SQLite nothing changes (retention deletes each agent's oldest rows by the key).
        """
        {results by day}
        """,

        // 15: the design history the design twin records and its recommender learns from (every operator's, shared): one
        // row per validation, simulation, generated or optimised design and ranked option. The record is the payload,
        // without its design (topology, intent, log: about 100 KB for a 200-site option), which is the detail, read only
        // when asked for; what the recommender reads (the intent's features, the score, the constraints met, how a built
        // design turned out), what lists filter on, and the run a recommended option belongs to are columns. An imported local file's rows keep (source, source
        // id), so they come once.
        """
        CREATE TABLE design_records (
            record_id {identity},
            recorded_unix_ms {int64} NOT NULL,
            operator TEXT NOT NULL,
            operation TEXT NOT NULL,
            intent_name TEXT NOT NULL,
            pattern TEXT NOT NULL,
            sites INTEGER NOT NULL,
            regions INTEGER NOT NULL,
            redundancy TEXT NOT NULL,
            objective TEXT NOT NULL,
            total_demand_gbps {real} NOT NULL,
            score {real},
            met_constraints INTEGER,
            realised_score {real},
            met_intent INTEGER,
            run_id {int64} NOT NULL,
            source TEXT NOT NULL,
            source_id {int64} NOT NULL,
            payload {bytes} NOT NULL,
            detail {bytes} NOT NULL);
        CREATE INDEX design_records_time ON design_records (recorded_unix_ms, record_id);
        CREATE INDEX design_records_scored ON design_records (redundancy, objective) WHERE score IS NOT NULL;
        CREATE INDEX design_records_run ON design_records (run_id) WHERE run_id <> 0;
        CREATE UNIQUE INDEX design_records_import ON design_records (source, source_id) WHERE source <> '';
        """,

    ];

    /// <summary>The migrations with a dialect's type names filled in.</summary>
    internal static string[] Dialect(IReadOnlyDictionary<string, string> types) =>
        [.. Generic.Select(m => types.Aggregate(m, (text, t) => text.Replace(t.Key, t.Value, StringComparison.Ordinal)))];
}
