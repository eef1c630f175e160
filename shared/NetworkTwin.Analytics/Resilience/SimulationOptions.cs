namespace NetworkTwin.Analytics.Resilience;

/// <summary>Which failures to simulate and how.</summary>
public sealed record SimulationOptions
{
    public bool SingleLinks { get; init; } = true;

    public bool SingleNodes { get; init; } = true;

    public bool RiskGroups { get; init; } = true;

    public bool DoubleLinks { get; init; } = true;

    /// <summary>All link pairs are simulated up to this many; above it a random sample is.</summary>
    public int ExhaustiveDoubleLimit { get; init; } = 20_000;

    /// <summary>Link pairs sampled when there are too many to try all.</summary>
    public int DoubleSamples { get; init; } = 2_000;

    public int Seed { get; init; } = 1;

    /// <summary>Capacity assumed for links whose source gave none (for utilisation); null leaves them out.</summary>
    public double? DefaultCapacityGbps { get; init; }

    /// <summary>Cores to use; -1 = all.</summary>
    public int MaxParallelism { get; init; } = -1;

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (ExhaustiveDoubleLimit is < 0 or > 10_000_000)
        {
            errors.Add($"exhaustive double-failure limit must be 0..10000000 (got {ExhaustiveDoubleLimit}).");
        }

        if (DoubleSamples is < 1 or > 1_000_000)
        {
            errors.Add($"--double-samples must be 1..1000000 (got {DoubleSamples}).");
        }

        if (DefaultCapacityGbps is <= 0)
        {
            errors.Add($"--default-capacity-gbps must be above 0 (got {DefaultCapacityGbps}).");
        }

        return errors;
    }
}
