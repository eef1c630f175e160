namespace NetworkTwin.Agent.Control;

/// <summary>A link's capacity target in force: what the actuator was told, and by which command.</summary>
/// <param name="CommandId">The coordinator's command (0: the installed capacity from the configuration).</param>
internal sealed record LinkTarget(int LinkId, int[] Cells, double CapacityGbps, long CommandId, long DecisionId, DateTimeOffset AppliedAt);
