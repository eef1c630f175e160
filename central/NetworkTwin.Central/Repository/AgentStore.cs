using NetworkTwin.Contracts.Operators;
using NetworkTwin.Contracts.Sync;
using static NetworkTwin.Central.Repository.Sql;

namespace NetworkTwin.Central.Repository;

/// <summary>
/// The agents that registered: who they are, where, and how much of theirs is stored.
/// </summary>
public sealed class AgentStore(CoordinatorRepository database) : RepositoryStore(database)
{
    /// <summary>
    /// Records an agent's registration (new, or again with its current site, version and capabilities) and returns the
    /// highest sequence of its stored so far, which the agent resumes after. On SQLite both are one turn with the writer,
    /// taken without holding the caller's thread, so a storm of agents reconnecting does not tie up the server's threads
    /// behind the uplinks' commits (the stored-through read used to wait for the writer's lock on the caller's thread).
    /// </summary>
    public Task<long> RegisterAsync(RegisterRequest request) => WriteAsync(connection =>
    {
        Execute(
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
            ("now", Now()));
        return ResultRows.StoredThrough(connection, request.AgentId);
    });

    /// <summary><see cref="RegisterAsync"/>, waited for (tests and tools).</summary>
    public long Register(RegisterRequest request) => RegisterAsync(request).GetAwaiter().GetResult();

    /// <summary>Whether an agent of this id has registered (one row read, whatever the estate's size).</summary>
    public bool Exists(string agentId) => Query("SELECT 1 FROM agents WHERE agent_id = @id", _ => true, ("id", agentId)).Count > 0;

    /// <summary>Every agent with its result count and highest stored sequence.</summary>
    public IReadOnlyList<AgentSummary> List() => Page(null, int.MaxValue);

    /// <summary>Agents by site and id after <paramref name="after"/> (null: from the first), at most <paramref name="limit"/>.</summary>
    public IReadOnlyList<AgentSummary> Page((string Site, string AgentId)? after, int limit) => Query(
        """
        SELECT agent_id, site, version, registered_at, last_seen, results_stored, stored_through
        FROM agents WHERE @first = 1 OR (site, agent_id) > (@site, @agent) ORDER BY site, agent_id LIMIT @limit
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
        },
        ("first", after is null ? 1 : 0),
        ("site", after?.Site ?? string.Empty),
        ("agent", after?.AgentId ?? string.Empty),
        ("limit", limit));
}
