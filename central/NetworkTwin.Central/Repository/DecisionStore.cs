using System.Globalization;
using Google.Protobuf;
using NetworkTwin.Contracts.Operators;
using static NetworkTwin.Central.Repository.Sql;

namespace NetworkTwin.Central.Repository;

/// <summary>
/// Governed control decisions, which move only from the state their caller saw, and the append-only audit trail
/// that records each step of them.
/// </summary>
public sealed class DecisionStore(CoordinatorRepository database) : RepositoryStore(database)
{
    /// <summary>Stores a new decision; its id is the row's number. Returns it with id and times set.</summary>
    public Decision Save(Decision decision)
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
    public bool Update(Decision decision, string expectedState)
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

    public Decision? ById(long decisionId) => Query(
        "SELECT payload FROM decisions WHERE decision_id = @id",
        reader => Decision.Parser.ParseFrom((byte[])reader.GetValue(0)),
        ("id", decisionId)).FirstOrDefault();

    /// <summary>Decisions, newest first, optionally in some states only.</summary>
    public IReadOnlyList<Decision> List(IReadOnlyCollection<string>? states, int limit, long beforeId = 0)
    {
        var list = states is { Count: > 0 } ? states.ToList() : null;
        var filter = list is null ? string.Empty : "AND state IN (" + string.Join(", ", list.Select((_, i) => "@s" + i)) + ")";
        return Query(
            $"SELECT payload FROM decisions WHERE (@before = 0 OR decision_id < @before) {filter} ORDER BY decision_id DESC LIMIT @limit",
            reader => Decision.Parser.ParseFrom((byte[])reader.GetValue(0)),
            [.. (list ?? []).Select((s, i) => ("s" + i, (object?)s)), ("before", beforeId), ("limit", limit)]);
    }

    /// <summary>How many decisions are in each state (for /metrics).</summary>
    public IReadOnlyDictionary<string, long> Counts() => Query(
        "SELECT state, COUNT(*) FROM decisions GROUP BY state",
        reader => (reader.GetString(0), reader.GetInt64(1))).ToDictionary(x => x.Item1, x => x.Item2, StringComparer.Ordinal);

    /// <summary>The newest decision of every (agent, link) that has one: what the control pass checks each link against, in one read.</summary>
    public IReadOnlyDictionary<(string AgentId, int LinkId), Decision> LatestPerLink() => Query(
        """
        SELECT d.payload FROM decisions d
        JOIN (SELECT MAX(decision_id) AS id FROM decisions GROUP BY agent_id, link_id) newest ON newest.id = d.decision_id
        """,
        reader => Decision.Parser.ParseFrom((byte[])reader.GetValue(0))).ToDictionary(d => (d.AgentId, d.LinkId));

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
    public IReadOnlyList<AuditEntry> AuditTrail(long decisionId, int limit, long beforeEntry = 0) => Query(
        """
        SELECT entry_id, at_unix_ms, decision_id, actor, event, detail FROM (
            SELECT * FROM audit WHERE (@decision = 0 OR decision_id = @decision) AND (@before = 0 OR entry_id < @before)
            ORDER BY entry_id DESC LIMIT @limit) newest
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
        ("before", beforeEntry),
        ("limit", limit));
}
