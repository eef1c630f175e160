using NetworkTwin.Central.Topology;
using NetworkTwin.Contracts.Operators;
using NetworkTwin.Contracts.Sync;
using NetworkTwin.Contracts.Topology;

namespace NetworkTwin.Central.Tests.Topology;

public sealed class CapacityAdviceTests
{
    private static TopologyLink Link(int id, string agent, params int[] cells)
    {
        var link = new TopologyLink { LinkId = id, Agents = { agent } };
        link.Cells.AddRange(cells.Select(c => new TopologyCell { Cell = new CellRef { AgentId = agent, CellId = c } }));
        return link;
    }

    private static ForecastSummary Forecast(string agent, int agentLink, int[] cells, double observed, double p99, bool anomaly, long at) => new()
    {
        AgentId = agent,
        ProducedUnixMs = at,
        Forecast = new LoadForecast { LinkId = agentLink, Cells = { cells }, ObservedGbps = observed, RequiredCapacityGbps = p99, Anomaly = anomaly, ModelName = "link-load", ModelVersion = 2 },
    };

    [Fact]
    public void Sizing_grows_with_the_forecast_holds_when_covered_and_distrusts_a_link_the_model_keeps_missing()
    {
        var map = new TopologyMap { Version = 4, Links = { Link(1, "du-a", 1, 2), Link(2, "du-a", 3, 4), Link(3, "du-b", 5), Link(4, "du-b", 6) } };
        var capacities = new CapacityList { TopologyVersion = 4 };
        capacities.Links.Add(Enumerable.Range(1, 4).Select(id => new LinkCapacityView { LinkId = id, CapacityGbps = 20, Agents = { id <= 2 ? "du-a" : "du-b" } }));
        var forecasts = new List<ForecastSummary>();
        for (var i = 0; i < 12; i++)
        {
            // Link 1 (du-a's own link 7): the next window's 99% load is 20% over now.
            forecasts.Add(Forecast("du-a", 7, [1, 2], 5, 6, anomaly: false, at: i));
            // Link 2 (du-a's own link 8): covered; link 3 (du-b's own link 1): 5 of 12 windows outside the band.
            forecasts.Add(Forecast("du-a", 8, [3, 4], 5, 5.1, anomaly: false, at: i));
            forecasts.Add(Forecast("du-b", 1, [5], 5, 6, anomaly: i < 5, at: i));
        }

        var advice = CapacityAdvice.Build(map, capacities, forecasts).Links.ToDictionary(l => l.LinkId);

        Assert.Equal("grow", advice[1].Action);
        Assert.Equal(24.0, advice[1].RecommendedGbps, 6);
        Assert.Equal(6, advice[1].ForecastP99Gbps);
        Assert.Equal("hold", advice[2].Action);
        Assert.Equal(20.4, advice[2].RecommendedGbps, 6);
        Assert.Equal("investigate", advice[3].Action);
        Assert.Equal(20, advice[3].RecommendedGbps);
        Assert.Equal(5, advice[3].RecentAnomalies);
        Assert.Contains("5 of the last 12", advice[3].Reason, StringComparison.Ordinal);
        Assert.Equal("no-forecast", advice[4].Action);
        Assert.True(double.IsNaN(advice[4].ForecastP99Gbps));
        Assert.Equal("link-load v2", advice[1].Model);
    }
}

public sealed class CapacityViewTests
{
    [Fact]
    public void LinkNoAgentSizingFallsTo_HasAnUnknownCapacity_NotZero_AndGetsNoAdvice()
    {
        // du-a's one link carries cells 1, 2 and 3; the map splits them: 1 and 2 on link 1, 3 on link 2.
        var map = new TopologyMap { Version = 2 };
        foreach (var (id, cells) in new[] { (1, new[] { 1, 2 }), (2, new[] { 3 }) })
        {
            var link = new TopologyLink { LinkId = id, Agents = { "du-a" } };
            link.Cells.AddRange(cells.Select(c => new TopologyCell { Cell = new CellRef { AgentId = "du-a", CellId = c } }));
            map.Links.Add(link);
        }

        var sizing = new LinkSummary { AgentId = "du-a", Link = new LinkCapacity { LinkId = 1, Cells = { 1, 2, 3 }, CapacityGbps = 12, PeakGbps = 30 } };

        var view = CapacityView.Build(map, [sizing], []).Links.ToDictionary(l => l.LinkId);
        var advice = CapacityAdvice.Build(map, new CapacityList { Links = { view.Values } }, []).Links.ToDictionary(l => l.LinkId);

        Assert.Equal((12.0, 30.0), (view[1].CapacityGbps, view[1].PeakGbps));
        Assert.True(double.IsNaN(view[2].CapacityGbps) && double.IsNaN(view[2].PeakGbps));
        Assert.Equal("no-forecast", advice[1].Action);
        Assert.Equal("unknown", advice[2].Action);
    }
}
