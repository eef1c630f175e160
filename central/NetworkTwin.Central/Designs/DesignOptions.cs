using System.ComponentModel.DataAnnotations;

namespace NetworkTwin.Central.Designs;

/// <summary>
/// Coordinator:Design: how much of the coordinator the design twin's runs (validate, simulate, generate, recommend,
/// optimise over the operators' API) may take, so that a national design does not starve ingest and control.
/// </summary>
public sealed record DesignOptions
{
    /// <summary>Design runs at once on this replica, 1..64; one more is refused with RESOURCE_EXHAUSTED until one ends.</summary>
    [Range(1, 64)]
    public int MaxConcurrentRuns { get; init; } = 2;

    /// <summary>Cores one run may use, 1..256; 0 = half of this machine's (at least one).</summary>
    [Range(0, 256)]
    public int MaxParallelism { get; init; }

    /// <summary>The cores a run uses: <see cref="MaxParallelism"/>, or half of the machine's.</summary>
    public int Parallelism => MaxParallelism > 0 ? MaxParallelism : Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>Every problem with these settings, each naming its key.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (MaxConcurrentRuns is < 1 or > 64)
        {
            errors.Add($"Coordinator:Design:MaxConcurrentRuns must be 1..64 (got {MaxConcurrentRuns}).");
        }

        if (MaxParallelism is < 0 or > 256)
        {
            errors.Add($"Coordinator:Design:MaxParallelism must be 0..256, 0 for half the cores (got {MaxParallelism}).");
        }

        return errors;
    }
}
