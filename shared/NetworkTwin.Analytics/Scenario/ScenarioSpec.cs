namespace NetworkTwin.Analytics.Scenario;

/// <summary>Shape of a generated fronthaul capture.</summary>
public sealed record ScenarioSpec
{
    public int Cells { get; init; } = 24;

    public int Links { get; init; } = 3;

    /// <summary>Cells per radio unit; the cells of one RU share its clock (the real data has groups of 4).</summary>
    public int CellsPerRu { get; init; } = 4;

    public double DurationSeconds { get; init; } = 8;

    /// <summary>DU time of the first symbol.</summary>
    public double StartSeconds { get; init; } = 2.0;

    /// <summary>Largest RU clock offset against the DU, either sign.</summary>
    public double MaxClockOffsetSeconds { get; init; } = 1.5;

    /// <summary>Loss the link capacities are chosen to produce under the buffer model.</summary>
    public double LinkLoss { get; init; } = 0.01;

    public double BufferMicros { get; init; } = 143;

    /// <summary>Fraction of symbols turned into logger errors (~289,000 kbit).</summary>
    public double OutlierRate { get; init; } = 2e-5;

    public int Seed { get; init; } = 1;

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Cells is < 1 or > 1000)
        {
            errors.Add($"--cells must be 1..1000 (got {Cells}).");
        }

        if (Links < 1 || Links > Cells)
        {
            errors.Add($"--links must be 1..cells (got {Links}).");
        }

        if (CellsPerRu < 1 || CellsPerRu > Cells)
        {
            errors.Add($"--cells-per-ru must be 1..cells (got {CellsPerRu}).");
        }

        if (!(DurationSeconds is >= 0.5 and <= 600))
        {
            errors.Add($"--seconds must be 0.5..600 (got {DurationSeconds}).");
        }

        if (!(MaxClockOffsetSeconds is >= 0 and <= 10))
        {
            errors.Add($"--max-offset-s must be 0..10 (got {MaxClockOffsetSeconds}).");
        }

        if (StartSeconds - MaxClockOffsetSeconds < 0 || StartSeconds > 1e6)
        {
            errors.Add($"--start-s must leave every RU clock at or above 0 s (start {StartSeconds} - max offset {MaxClockOffsetSeconds}).");
        }

        if (!(LinkLoss is > 0 and < 0.5))
        {
            errors.Add($"--link-loss must be above 0 and below 0.5 (got {LinkLoss}).");
        }

        if (!(OutlierRate is >= 0 and < 0.01))
        {
            errors.Add($"--outlier-rate must be 0..0.01 (got {OutlierRate}).");
        }

        return errors;
    }
}
