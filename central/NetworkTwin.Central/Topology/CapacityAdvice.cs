using System.Globalization;
using NetworkTwin.Contracts.Operators;
using NetworkTwin.Contracts.Topology;

namespace NetworkTwin.Central.Topology;

/// <summary>
/// Advice per discovered link from what the twin knows now: the buffer-model sizing (sum over the
/// link's agents) and the agents' latest forecasts. The sizing is scaled by the forecast growth (the
/// next window's 99% load over the load now), keeping the burst shape the sizing saw; a link whose
/// recent windows keep falling outside the forecast band is flagged for investigation instead.
/// </summary>
internal static class CapacityAdvice
{
    /// <summary>Share of recent windows outside the band above which the forecast is not trusted.</summary>
    public const double AnomalyShare = 0.2;

    /// <summary>How much the next window's chance-constrained load exceeds the load now (1 = no growth; never below 1 is not implied).</summary>
    public static double Growth(double observedGbps, double requiredGbps) => observedGbps > 0 && requiredGbps > 0 ? requiredGbps / observedGbps : 1;

    public static RecommendationList Build(TopologyMap map, CapacityList capacities, IReadOnlyList<ForecastSummary> recent)
    {
        var linkOfCell = CapacityView.LinkOfCell(map);
        var byLink = recent
            .Select(f => (Link: CapacityView.DiscoveredLink(f.AgentId, f.Forecast.Cells, linkOfCell), f))
            .Where(x => x.Link is not null)
            .GroupBy(x => x.Link!.Value)
            .ToDictionary(g => g.Key, g => g.Select(x => x.f).ToList());
        var list = new RecommendationList { TopologyVersion = map.Version };
        foreach (var link in capacities.Links)
        {
            var advice = new LinkRecommendation { LinkId = link.LinkId, SizedGbps = link.CapacityGbps, ForecastP99Gbps = double.NaN, RecommendedGbps = link.CapacityGbps };
            advice.Agents.AddRange(link.Agents);
            var forecasts = byLink.GetValueOrDefault(link.LinkId) ?? [];
            if (double.IsNaN(link.CapacityGbps))
            {
                advice.Action = "unknown";
                advice.Reason = "no agent's sizing falls to this link yet, so there is nothing to scale";
                list.Links.Add(advice);
                continue;
            }

            if (forecasts.Count == 0)
            {
                advice.Action = "no-forecast";
                advice.Reason = "no forecast for this link in the last 10 minutes (no model shipped yet, or its agents are silent)";
                list.Links.Add(advice);
                continue;
            }

            // The latest forecast of each agent's part of the link.
            var latest = forecasts.GroupBy(f => (f.AgentId, f.Forecast.LinkId)).Select(g => g.OrderBy(f => f.ProducedUnixMs).Last().Forecast).ToList();
            advice.MeanGbps = latest.Sum(f => f.ObservedGbps);
            advice.ForecastP99Gbps = latest.Sum(f => f.RequiredCapacityGbps);
            advice.RecentForecasts = forecasts.Count;
            advice.RecentAnomalies = forecasts.Count(f => f.Forecast.Anomaly);
            advice.Model = string.Join(", ", latest.Select(f => $"{f.ModelName} v{f.ModelVersion}").Distinct());
            var growth = Growth(advice.MeanGbps, advice.ForecastP99Gbps);
            advice.RecommendedGbps = Math.Ceiling(link.CapacityGbps * Math.Max(1, growth) * 10) / 10;
            var share = (double)advice.RecentAnomalies / advice.RecentForecasts;
            if (advice.RecentForecasts >= 10 && share > AnomalyShare)
            {
                advice.Action = "investigate";
                advice.RecommendedGbps = link.CapacityGbps;
                advice.Reason = string.Create(CultureInfo.InvariantCulture, $"{advice.RecentAnomalies} of the last {advice.RecentForecasts} windows fell outside the forecast band: the model does not explain this link now (a change on the link, or a stale model: networktwin models train)");
            }
            else if (advice.RecommendedGbps > link.CapacityGbps * 1.05)
            {
                advice.Action = "grow";
                advice.Reason = string.Create(CultureInfo.InvariantCulture, $"the next window's load reaches {growth - 1:+0%} over now with probability 0.99; the sizing ({link.CapacityGbps:0.00} Gbit/s) scaled by that");
            }
            else
            {
                advice.Action = "hold";
                advice.Reason = string.Create(CultureInfo.InvariantCulture, $"the next window's 99% load is {growth - 1:+0%;-0%} from now: the sizing covers it");
            }

            list.Links.Add(advice);
        }

        return list;
    }
}
