using System.Globalization;
using NetworkTwin.Contracts.Operators;
using NetworkTwin.Contracts.Sync;

namespace NetworkTwin.Central.Control;

/// <summary>
/// Turns what the twin knows about one agent link (its latest sizing, its target in force, its
/// forecast) into a proposed capacity change, or none. Pure.
/// <list type="bullet">
/// <item>What the link needs: the buffer-model sizing for its loss target on the worst recent window
///   (recentNeedGbps of <see cref="Propose"/>, at least the latest), scaled up by the forecast growth (the next window's chance-constrained load over the load now)
///   when a forecast exists.</item>
/// <item>Raise when the link needs more than its target, or, with no target known, when it loses more
///   than its loss target; lower when the need (with headroom) is below <see cref="ControlOptions.LowerBelowShare"/>
///   of the target. The new target is the need plus headroom, rounded up to <see cref="ControlOptions.StepGbps"/>.</item>
/// </list>
/// </summary>
internal static class ControlPlanner
{
    /// <param name="recentNeedGbps">The highest sizing among the link's recent windows (<see cref="ControlOptions.LookbackSeconds"/>).</param>
    /// <param name="recentMeanGbps">The highest window mean among them: the load the sizing already covers.</param>
    public static Decision? Propose(LinkSummary latest, double recentNeedGbps, double recentMeanGbps, LoadForecast? forecast, ControlOptions options)
    {
        var link = latest.Link;
        var sized = Math.Max(link.CapacityGbps, double.IsFinite(recentNeedGbps) ? recentNeedGbps : 0);
        if (!(sized > 0) || !double.IsFinite(sized))
        {
            return null;
        }

        var growth = forecast is null ? 1 : Math.Max(1, Topology.CapacityAdvice.Growth(Math.Max(forecast.ObservedGbps, recentMeanGbps), forecast.RequiredCapacityGbps));
        var needed = sized * growth;
        var proposed = Math.Ceiling(needed * (1 + options.Headroom) / options.StepGbps) * options.StepGbps;
        var target = link.TargetGbps;
        var lossTargetPercent = link.LossTarget * 100;
        var losing = link.LossTarget > 0 && double.IsFinite(link.ObservedLossPercent) && link.ObservedLossPercent > lossTargetPercent;
        string action;
        string why;
        var invariant = CultureInfo.InvariantCulture;
        if (target > 0 && needed > target)
        {
            action = "raise-capacity";
            why = string.Create(invariant, $"needs {needed:0.00} Gbit/s, above its target {target:0.##}");
        }
        else if (target <= 0 && losing)
        {
            action = "raise-capacity";
            why = string.Create(invariant, $"loses {link.ObservedLossPercent:0.##}% (target {lossTargetPercent:0.##}%) and has no capacity target");
        }
        else if (target > 0 && proposed < target * options.LowerBelowShare)
        {
            action = "lower-capacity";
            why = string.Create(invariant, $"needs {needed:0.00} Gbit/s, under {options.LowerBelowShare:0%} of its target {target:0.##}");
        }
        else
        {
            return null;
        }

        var decision = new Decision
        {
            AgentId = latest.AgentId,
            Site = latest.Site,
            LinkId = link.LinkId,
            Action = action,
            FromGbps = Math.Max(0, target),
            ToGbps = proposed,
            NeededGbps = Math.Round(needed, 3),
            ObservedLossPercent = link.ObservedLossPercent,
            PredictedLossPercent = lossTargetPercent,
            ForecastUpperGbps = forecast?.UpperGbps ?? 0,
            ModelVersion = forecast?.ModelVersion ?? 0,
            LossTarget = link.LossTarget,
            EffectLossPercent = double.NaN,
            EffectUtilisation = double.NaN,
            CostDeltaPerMonth = Math.Round((proposed - Math.Max(0, target)) * options.CostPerGbpsMonth, 2),
        };
        decision.Cells.AddRange(link.Cells);
        var sizing = string.Create(invariant, $"its worst recent window needs {sized:0.00} Gbit/s for {lossTargetPercent:0.##}% loss with the {link.BufferMicros:0} us buffer (the latest: mean {link.MeanGbps:0.00}, peak {link.PeakGbps:0.00}, needs {link.CapacityGbps:0.00})");
        var predicted = forecast is null
            ? "no forecast yet, so no growth is assumed"
            : string.Create(invariant, $"model {forecast.ModelName} v{forecast.ModelVersion} forecasts the next window at {forecast.MeanGbps:0.00} Gbit/s (90% interval {forecast.LowerGbps:0.00}-{forecast.UpperGbps:0.00}), its {forecast.CapacityProbability:0.##} load {forecast.RequiredCapacityGbps:0.00} against a recent high of {Math.Max(forecast.ObservedGbps, recentMeanGbps):0.00}: growth x{growth:0.00}");
        decision.Justification = string.Create(invariant, $"link {link.LinkId} (cells {string.Join(',', link.Cells)}) {why}: {sizing}; {predicted}. Target {proposed:0.##} Gbit/s keeps the loss at most {lossTargetPercent:0.##}% with {options.Headroom:0%} headroom.");
        return decision;
    }
}
