namespace NetworkTwin.Analytics.Fronthaul;

/// <summary>The result of a fronthaul analysis: where each cell is, what each link needs.</summary>
public sealed record FronthaulReport(
    IReadOnlyList<CellReport> Cells,
    IReadOnlyList<LinkReport> Links,
    CleaningReport Cleaning,
    DiscoveryReport Discovery,
    IReadOnlyList<string> Warnings);

/// <summary>One cell: its link, its RU clock offset and how sure the analysis is.</summary>
/// <param name="ClockOffsetMs">RU clock minus the reference clock, in ms; null when no evidence fixes it.</param>
/// <param name="OffsetReference">"du" (the DU clock) or "cell N" (relative to that cell's RU clock).</param>
/// <param name="Confidence">0..1: how much better the cell fits its link than any other.</param>
public sealed record CellReport(
    int Id,
    int? Link,
    double? ClockOffsetMs,
    string OffsetReference,
    double Confidence,
    string Evidence,
    long TxPackets,
    long LostPackets,
    int OutliersRemoved,
    DuAlignment? DuAlignment);

/// <summary>How the cell's RU packet counts line up with its DU throughput.</summary>
public sealed record DuAlignment(double OffsetMs, double Correlation, double ZScore, bool Trusted);

/// <summary>
/// One link: its cells, its traffic and the capacity it needs; and what the loss evidence says of it: its clock groups
/// (the cells of each RU clock, never split between links), how strongly its cells' losses line up (mean r) and how
/// strongly with the closest other link's (the smaller that is beside the first, the clearer the two are apart).
/// </summary>
public sealed record LinkReport(
    int Id,
    int[] Cells,
    double PeakGbps,
    double P99Gbps,
    double P95Gbps,
    double MeanGbps,
    double? ObservedLossPercent,
    double CapacityGbps,
    double CapacityNoBufferGbps,
    double SavingPercent,
    double ModelLossPercent,
    string Resolution)
{
    /// <summary>The cells of each RU clock on this link (those with loss evidence), each sorted.</summary>
    public int[][] ClockGroups { get; init; } = [];

    /// <summary>Mean loss correlation among this link's cells; null with fewer than two cells of evidence.</summary>
    public double? MeanCorrelation { get; init; }

    /// <summary>The link whose cells' losses line up best with this link's, and that mean correlation.</summary>
    public int? NextLink { get; init; }

    public double? NextLinkCorrelation { get; init; }
}

/// <summary>What cleaning did.</summary>
public sealed record CleaningReport(long OutliersRemoved, long MalformedLines, long MergedRows, string Rule);

/// <summary>What the loss correlation says about the number of links.</summary>
public sealed record DiscoveryReport(
    int? DeclaredLinks,
    int SupportedLinks,
    int CellsWithoutLossEvidence,
    double MinLinkCorrelation,
    string Statement);
