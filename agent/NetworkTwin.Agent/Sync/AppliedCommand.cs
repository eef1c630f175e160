using NetworkTwin.Contracts.Sync;

namespace NetworkTwin.Agent.Sync;

/// <summary>The acknowledgement of one command, and whether the agent had seen (applied or refused) it before.</summary>
internal readonly record struct AppliedCommand(CommandAck Ack, bool SeenBefore);
