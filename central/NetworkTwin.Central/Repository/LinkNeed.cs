namespace NetworkTwin.Central.Repository;

/// <summary>
/// One agent link over the control pass's lookback: when its first window in it came, and over the rollup buckets wholly
/// after it settled, the largest capacity its windows needed and their largest mean load (null: none has settled yet).
/// </summary>
internal sealed record LinkNeed(string AgentId, int LinkId, long SinceUnixMs, double? NeedGbps, double? MeanGbps);
