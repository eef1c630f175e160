namespace NetworkTwin.Analytics.Fronthaul;

/// <summary>What the operator tells the analysis; every value is checked by <see cref="Validate"/>.</summary>
public sealed record FronthaulOptions
{
    /// <summary>Links the operator says exist; null lets the data decide.</summary>
    public int? DeclaredLinks { get; init; }

    /// <summary>Known placements: cell id to link id (link ids are 1-based).</summary>
    public IReadOnlyDictionary<int, int> Pins { get; init; } = new Dictionary<int, int>();

    /// <summary>Switch buffer as drain time at the link rate (4 symbols ~ 143 us).</summary>
    public double BufferMicros { get; init; } = 143;

    /// <summary>Largest acceptable fraction of bits lost (0.01 = 1%).</summary>
    public double LossTarget { get; init; } = 0.01;

    /// <summary>Largest clock offset of an RU against the DU, in seconds.</summary>
    public double MaxClockOffsetSeconds { get; init; } = 1.5;

    /// <summary>Outlier rule factor over the cell's busy level (see <see cref="Cleaning.OutlierRule"/>).</summary>
    public double OutlierFactor { get; init; } = Cleaning.OutlierRule.DefaultFactor;

    /// <summary>Average lag-aligned loss correlation above which cells are taken to share a link.</summary>
    public double MinLinkCorrelation { get; init; } = 0.15;

    /// <summary>Robust z-score a correlation peak needs to count as evidence at all.</summary>
    public double MinPeakZ { get; init; } = 8;

    /// <summary>
    /// Cores the analysis may use at once; -1 = all. A live agent sets 1 so ingest keeps a core
    /// while the window is analysed.
    /// </summary>
    public int MaxParallelism { get; init; } = -1;

    internal ParallelOptions ParallelOptions => new() { MaxDegreeOfParallelism = MaxParallelism };

    /// <summary>Returns every problem with the options, naming the option and the allowed range.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (DeclaredLinks is < 1 or > 1000)
        {
            errors.Add($"--links must be 1..1000 (got {DeclaredLinks}).");
        }

        foreach (var (cell, link) in Pins)
        {
            if (cell < 0)
            {
                errors.Add($"--pin {cell}={link}: the cell id must be >= 0.");
            }

            if (link < 1 || (DeclaredLinks is { } n && link > n))
            {
                errors.Add($"--pin {cell}={link}: the link id must be 1..{DeclaredLinks?.ToString() ?? "N"}.");
            }
        }

        if (!(BufferMicros is >= 0 and <= 1_000_000))
        {
            errors.Add($"--buffer-us must be 0..1000000 (got {BufferMicros}).");
        }

        if (!(LossTarget is >= 0 and < 1))
        {
            errors.Add($"--loss must be at least 0 and below 1, as a fraction: 0.01 is 1% (got {LossTarget}).");
        }

        if (!(MaxClockOffsetSeconds is > 0 and <= 60))
        {
            errors.Add($"--max-offset-s must be above 0 and at most 60 (got {MaxClockOffsetSeconds}).");
        }

        if (!(OutlierFactor is >= 1.5 and <= 1000))
        {
            errors.Add($"--outlier-factor must be 1.5..1000 (got {OutlierFactor}).");
        }

        if (!(MinLinkCorrelation is > 0 and < 1))
        {
            errors.Add($"--min-correlation must be between 0 and 1 (got {MinLinkCorrelation}).");
        }

        if (MaxParallelism is 0 or < -1)
        {
            errors.Add($"MaxParallelism must be -1 (all cores) or at least 1 (got {MaxParallelism}).");
        }

        return errors;
    }
}
