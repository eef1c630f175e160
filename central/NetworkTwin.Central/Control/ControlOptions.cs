using System.ComponentModel.DataAnnotations;
namespace NetworkTwin.Central.Control;

/// <summary>Coordinator:Control: when the coordinator proposes capacity changes, and what its governance policy applies alone.</summary>
internal sealed record ControlOptions
{
    /// <summary>Seconds between passes of the control loop; 0 = no automatic decisions (operators' commands still work).</summary>
    [Range(0d, 86400d)]
    public double EverySeconds { get; init; } = 10;

    /// <summary>Capacity kept above what the link needs (0.1 = 10%).</summary>
    [Range(0d, 10d)]
    public double Headroom { get; init; } = 0.1;

    /// <summary>Targets are rounded up to a multiple of this (Gbit/s), as capacity is sold and shaped in steps.</summary>
    [Range(0d, 1000d, MinimumIsExclusive = true)]
    public double StepGbps { get; init; } = 0.5;

    /// <summary>What one Gbit/s of capacity costs per month (any currency; the audit trail and the policy use it).</summary>
    [Range(0d, 1e9)]
    public double CostPerGbpsMonth { get; init; } = 100;

    /// <summary>Raises that add at most this much cost per month are applied without an operator; larger ones wait for approval.</summary>
    [Range(0d, 1e12)]
    public double AutoApplyMaxCostPerMonth { get; init; } = 200;

    /// <summary>Whether lowering a target (cheaper, riskier) may be applied without an operator.</summary>
    public bool AutoApplyDecreases { get; init; }

    /// <summary>A target is proposed lower when what the link needs (with headroom) is below this share of it.</summary>
    [Range(0d, 1d, MinimumIsExclusive = true, MaximumIsExclusive = true)]
    public double LowerBelowShare { get; init; } = 0.5;

    /// <summary>What a link needs is the worst window of this many seconds of its results, not one window.</summary>
    [Range(1d, 86400d)]
    public double LookbackSeconds { get; init; } = 300;

    /// <summary>A link is decided on only once its results span this long (its first windows are partial).</summary>
    [Range(0d, 86400d)]
    public double SettleSeconds { get; init; } = 30;

    /// <summary>Only link results newer than this are acted on (a silent agent's old picture is not).</summary>
    [Range(1d, 86400d)]
    public double FreshSeconds { get; init; } = 120;

    /// <summary>How long an applied decision waits for its measured effect before it is marked unverified.</summary>
    [Range(0d, 10080d, MinimumIsExclusive = true)]
    public double VerifyMinutes { get; init; } = 10;

    /// <summary>A link is not lowered within this time of its last change (lowering is the risky direction; raising is never held back).</summary>
    [Range(0d, 10080d)]
    public double HoldMinutes { get; init; } = 30;

    /// <summary>A rejected proposal is not made again for the same link and target within this time.</summary>
    [Range(0d, 10080d)]
    public double RejectedQuietMinutes { get; init; } = 60;

    /// <summary>The measured loss may exceed the loss target by this factor before the decision counts as violated.</summary>
    [Range(1d, 100d)]
    public double ViolationFactor { get; init; } = 1.0;

    /// <summary>Whether a violated decision is rolled back (its previous target restored) automatically.</summary>
    public bool RollbackOnViolation { get; init; } = true;

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        void Check(bool ok, string key, string allowed, double got)
        {
            if (!ok)
            {
                errors.Add($"Coordinator:Control:{key} must be {allowed} (got {got}).");
            }
        }

        Check(EverySeconds is >= 0 and <= 86400, nameof(EverySeconds), "0..86400, 0 for no automatic decisions", EverySeconds);
        Check(Headroom is >= 0 and <= 10, nameof(Headroom), "0..10 (a fraction: 0.1 = 10%)", Headroom);
        Check(StepGbps is > 0 and <= 1000, nameof(StepGbps), "above 0 and at most 1000", StepGbps);
        Check(CostPerGbpsMonth is >= 0 and <= 1e9, nameof(CostPerGbpsMonth), "0..1e9", CostPerGbpsMonth);
        Check(AutoApplyMaxCostPerMonth is >= 0 and <= 1e12, nameof(AutoApplyMaxCostPerMonth), "0..1e12", AutoApplyMaxCostPerMonth);
        Check(LowerBelowShare is > 0 and < 1, nameof(LowerBelowShare), "above 0 and below 1", LowerBelowShare);
        Check(LookbackSeconds is >= 1 and <= 86400, nameof(LookbackSeconds), "1..86400", LookbackSeconds);
        Check(SettleSeconds is >= 0 and <= 86400, nameof(SettleSeconds), "0..86400", SettleSeconds);
        Check(FreshSeconds is >= 1 and <= 86400, nameof(FreshSeconds), "1..86400", FreshSeconds);
        Check(VerifyMinutes is > 0 and <= 10080, nameof(VerifyMinutes), "above 0 and at most 10080", VerifyMinutes);
        Check(HoldMinutes is >= 0 and <= 10080, nameof(HoldMinutes), "0..10080", HoldMinutes);
        Check(RejectedQuietMinutes is >= 0 and <= 10080, nameof(RejectedQuietMinutes), "0..10080", RejectedQuietMinutes);
        Check(ViolationFactor is >= 1 and <= 100, nameof(ViolationFactor), "1..100", ViolationFactor);
        return errors;
    }
}
