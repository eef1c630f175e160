namespace NetworkTwin.Analytics.WhatIfs;

/// <summary>One link (or link direction, or station pair) under a what-if.</summary>
/// <param name="Utilisation">Mean load over capacity.</param>
/// <param name="PeakUtilisation">Highest load over capacity (per step or symbol, as the template resolves time).</param>
/// <param name="LossPercent">Traffic the link drops: the buffer model where the template has fine-grained series, else the load above capacity.</param>
/// <param name="Violates">The link breaks its SLA (loss above the target, or down while it must carry traffic).</param>
public sealed record LinkOutcome(string Link, double CapacityGbps, double MeanGbps, double PeakGbps, double Utilisation, double PeakUtilisation, double LossPercent, bool Violates);

/// <summary>What a what-if does to the network.</summary>
/// <param name="UnreachablePercent">Demand (volume over the run) with no path at all.</param>
/// <param name="SlaViolations">Links (or demands, for templates that judge demands) that break the SLA.</param>
/// <param name="CostPerMonth">Capacity in place, at the template's price per Gbit/s and month.</param>
public sealed record ScenarioResult(
    string Template,
    WhatIf WhatIf,
    IReadOnlyList<LinkOutcome> Links,
    double UnreachablePercent,
    int SlaViolations,
    double CostPerMonth,
    string Notes)
{
    public double WorstLossPercent => Links.Count == 0 ? 0 : Links.Max(l => l.LossPercent);

    public double WorstPeakUtilisation => Links.Count == 0 ? 0 : Links.Max(l => l.PeakUtilisation);

    public double DroppedPercentOfTraffic(double totalGbps) => totalGbps <= 0 ? 0 : Links.Sum(l => l.MeanGbps * l.LossPercent / 100) / totalGbps * 100;
}

/// <summary>A network kind with its own dynamics, able to replay its state under a what-if. Implementations are immutable and thread-safe.</summary>
public interface IScenarioTemplate
{
    /// <summary>"fronthaul", "backbone", "leo", "hybrid".</summary>
    string Kind { get; }

    /// <summary>What the state holds, in a line (for the report).</summary>
    string Description { get; }

    /// <summary>The what-ifs worth running when the operator names none: every single failure, growth steps, spikes.</summary>
    IReadOnlyList<WhatIf> DefaultSweep();

    /// <summary>Runs one what-if; throws <see cref="ArgumentException"/> naming a change that does not fit this template.</summary>
    ScenarioResult Run(WhatIf whatIf);
}
