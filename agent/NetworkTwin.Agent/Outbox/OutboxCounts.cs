namespace NetworkTwin.Agent.Outbox;

/// <summary>What the outbox holds: pending results and bytes, results dropped by the bound, the last sequence given.</summary>
internal sealed record OutboxCounts(long Pending, long PendingBytes, long Dropped, long LastSequence);
