using System.Globalization;
using Google.Protobuf;
using NetworkTwin.Contracts.Operators;
using NetworkTwin.Contracts.Sync;
using static NetworkTwin.Central.Repository.Sql;

namespace NetworkTwin.Central.Repository;

/// <summary>
/// Commands to agents, pending until the agent acknowledges them, and their announcement to the other replicas.
/// </summary>
public sealed class CommandStore(CoordinatorRepository database, ModelStore models) : RepositoryStore(database)
{
    /// <summary>
    /// Records a command for an agent as pending and announces it to the other coordinators sharing the repository (so
    /// the one the agent's downlink is on sends it at once); returns it with its id and issue time.
    /// </summary>
    public Command Issue(Command command)
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
        Database.AnnounceCommand(stored.AgentId);
        return stored;
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
        return [.. agentIds.Select(agent => Issue(new Command { AgentId = agent, Model = update, Reason = reason }))];
    }

    /// <summary>
    /// An agent's pending commands with an id above <paramref name="afterId"/>, oldest first, each as it is sent: a
    /// model update carries its version's bytes (when the version is no longer stored it goes without, and the agent
    /// refuses it saying so).
    /// </summary>
    public IReadOnlyList<Command> Pending(string agentId, long afterId)
    {
        var commands = Query(
            "SELECT payload FROM commands WHERE agent_id = @agent AND state = 'pending' AND command_id > @after ORDER BY command_id",
            reader => Command.Parser.ParseFrom((byte[])reader.GetValue(0)),
            ("agent", agentId),
            ("after", afterId));
        foreach (var command in commands.Where(c => c.BodyCase == Command.BodyOneofCase.Model && c.Model.Onnx.IsEmpty))
        {
            if (models.OnnxOf(command.Model.Version) is { } onnx)
            {
                command.Model.Onnx = onnx;
            }
        }

        return commands;
    }

    /// <summary>Records an agent's outcome of its pending command; false when there is no such pending command.</summary>
    public bool Acknowledge(string agentId, long commandId, bool applied, string detail) => Run(connection => Execute(
        connection,
        null,
        "UPDATE commands SET state = @state, acknowledged_at = @now, detail = @detail WHERE command_id = @id AND agent_id = @agent AND state = 'pending'",
        ("state", applied ? "applied" : "refused"),
        ("now", Now()),
        ("detail", detail.Length > 2000 ? detail[..2000] : detail),
        ("id", commandId),
        ("agent", agentId)) == 1);

    /// <summary>A command's state (pending, applied, refused) and the agent's detail, or null when there is no such command.</summary>
    public (string State, string Detail)? State(long commandId) => Query(
        "SELECT state, detail FROM commands WHERE command_id = @id",
        reader => (reader.GetString(0), reader.GetString(1)),
        ("id", commandId)).Cast<(string, string)?>().FirstOrDefault();

    /// <summary>Commands with their state, newest first, optionally for one agent.</summary>
    public IReadOnlyList<CommandRecord> List(string? agentId, int limit, long beforeId = 0) => Query(
        """
        SELECT payload, state, acknowledged_at, detail FROM commands
        WHERE (@agent = '' OR agent_id = @agent) AND (@before = 0 OR command_id < @before) ORDER BY command_id DESC LIMIT @limit
        """,
        reader => new CommandRecord
        {
            Command = Command.Parser.ParseFrom((byte[])reader.GetValue(0)),
            State = reader.GetString(1),
            AcknowledgedUnixMs = reader.IsDBNull(2) ? 0 : ParseTime(reader.GetString(2)),
            Detail = reader.GetString(3),
        },
        ("agent", agentId ?? string.Empty),
        ("before", beforeId),
        ("limit", limit));

    /// <summary>How many commands wait for their agent's acknowledgement.</summary>
    public long PendingCount() => Run(connection => Convert.ToInt64(Scalar(connection, null, "SELECT COUNT(*) FROM commands WHERE state = 'pending'"), CultureInfo.InvariantCulture));

    /// <summary>
    /// Calls <paramref name="agentHasCommands"/> with the agent of every command issued on any coordinator sharing the
    /// repository, until cancelled or the connection fails (the caller listens again); <paramref name="listening"/> is
    /// called once the subscription is in place. Where the repository is one node's there is nothing to hear: it
    /// waits for the cancellation.
    /// </summary>
    public Task ListenAsync(Action<string> agentHasCommands, Action listening, CancellationToken cancellationToken) =>
        Database.ListenForCommandsAsync(agentHasCommands, listening, cancellationToken);

    /// <summary>Removes the commands issued before <paramref name="beforeUnixMs"/> that their agent has answered (a pending one stays until it is); returns how many.</summary>
    public int Expire(long beforeUnixMs) => Run(connection => Execute(
        connection,
        null,
        "DELETE FROM commands WHERE state <> 'pending' AND issued_at < @before",
        ("before", StoredTime(beforeUnixMs))));
}
