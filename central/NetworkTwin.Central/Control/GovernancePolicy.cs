using System.Globalization;
using NetworkTwin.Contracts.Operators;
using NetworkTwin.Contracts.Sync;

namespace NetworkTwin.Central.Control;

/// <summary>The governance rules: what is applied without an operator, and whether a measured effect keeps the promise. Pure.</summary>
internal static class GovernancePolicy
{
    /// <summary>Whether the policy applies the decision by itself, and why (recorded in the audit trail).</summary>
    public static (bool Auto, string Reason) Judge(Decision decision, ControlOptions options)
    {
        var invariant = CultureInfo.InvariantCulture;
        return decision.Action switch
        {
            "rollback" => (true, "a rollback restores a target that was in force before; applied without waiting"),
            "lower-capacity" when options.AutoApplyDecreases => (true, string.Create(invariant, $"lowering saves {-decision.CostDeltaPerMonth:0.##} per month; the policy applies decreases alone (AutoApplyDecreases)")),
            "lower-capacity" => (false, string.Create(invariant, $"lowering saves {-decision.CostDeltaPerMonth:0.##} per month but raises the risk of loss; the policy asks an operator")),
            _ when decision.CostDeltaPerMonth <= options.AutoApplyMaxCostPerMonth => (true, string.Create(invariant, $"adds {decision.CostDeltaPerMonth:0.##} per month, within the {options.AutoApplyMaxCostPerMonth:0.##} the policy applies alone")),
            _ => (false, string.Create(invariant, $"adds {decision.CostDeltaPerMonth:0.##} per month, above the {options.AutoApplyMaxCostPerMonth:0.##} the policy applies alone; waiting for an operator (networktwin approve|reject {decision.DecisionId})")),
        };
    }

    /// <summary>Compares the measured effect with the decision's promise (loss at most the loss target, times the tolerance).</summary>
    public static (bool Kept, string Outcome) Compare(Decision decision, ControlEffect effect, ControlOptions options)
    {
        var limit = decision.LossTarget * 100 * options.ViolationFactor;
        var measured = string.Create(CultureInfo.InvariantCulture, $"over {effect.Windows} windows at {effect.CapacityGbps:0.##} Gbit/s the link would drop at most {effect.LossPercent:0.###}% (mean {effect.MeanLossPercent:0.###}%), utilisation {effect.MeanUtilisation:0%}");
        return effect.LossPercent <= limit
            ? (true, string.Create(CultureInfo.InvariantCulture, $"confirmed: {measured}; the decision promised at most {decision.PredictedLossPercent:0.###}%"))
            : (false, string.Create(CultureInfo.InvariantCulture, $"violated: {measured}, above the {limit:0.###}% the policy allows"));
    }
}
