namespace NetworkTwin.Central.Repository;

/// <summary>
/// One agent link's windows in one bucket of time (a minute or an hour), as the ingest path keeps them: how many, when,
/// the largest capacity they needed, their mean and largest load, their largest peak, their loss (mean and largest over
/// the windows that measured it; NaN when none did) and the capacity target in force at the newest.
/// </summary>
public sealed record LinkRollup(
    string AgentId,
    string Site,
    int LinkId,
    int BucketSeconds,
    long BucketUnixMs,
    long Windows,
    long FirstUnixMs,
    long LastUnixMs,
    double CapacityMaxGbps,
    double MeanGbps,
    double MeanMaxGbps,
    double PeakMaxGbps,
    double LossPercent,
    double LossMaxPercent,
    double TargetGbps);
