using NetworkTwin.Analytics.Graphs;

namespace NetworkTwin.Analytics.Design;

/// <summary>An intent made concrete: its sites as nodes (with roles, regions, places) and its demands.</summary>
public sealed record ExpandedIntent(DesignIntent Intent, IReadOnlyList<NetworkNode> Sites, IReadOnlyList<Demand> Demands, double[] Weights)
{
    public bool IsCore(int site) => Sites[site].Role is "core" or "hub" or "dc";

    public IEnumerable<int> InRegion(string region) => Enumerable.Range(0, Sites.Count).Where(i => Sites[i].Region == region);

    public IReadOnlyList<string> Regions => [.. Sites.Select(s => s.Region!).Distinct()];

    /// <summary>The shared-risk groups a link between two sites would belong to.</summary>
    public IReadOnlyList<string> RiskGroups(int a, int b)
    {
        var key = (Math.Min(a, b), Math.Max(a, b));
        var index = Sites.Select((s, i) => (s.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);
        return [.. Intent.SharedRisks
            .Where(r => r.Links.Any(p => p.Count == 2 && index.TryGetValue(p[0], out var x) && index.TryGetValue(p[1], out var y) && (Math.Min(x, y), Math.Max(x, y)) == key))
            .Select(r => r.Name)];
    }

    public double DistanceKm(int a, int b) => Geo.DistanceKm(Sites[a], Sites[b]) ?? 0;

    /// <summary>Turns site and demand models into sites and demands (reproducible for a seed).</summary>
    public static ExpandedIntent From(DesignIntent intent)
    {
        var problems = intent.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, problems));
        }

        var sites = intent.SiteModel is { } model ? Generate(model) : [.. intent.Sites.Select(s => (new NetworkNode(s.Id, s.Id, s.Lat, s.Lon, s.Role, s.Region), s.Weight))];
        var nodes = sites.Select(s => s.Item1).ToList();
        var weights = sites.Select(s => s.Item2).ToArray();
        var index = nodes.Select((n, i) => (n.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);
        List<Demand> demands;
        if (intent.Demands.Count > 0)
        {
            demands = [.. intent.Demands.Select(d => new Demand(index[d.From!], index[d.To!], d.Gbps))];
        }
        else
        {
            var dm = intent.DemandModel ?? new DemandModel();
            var gravity = !string.Equals(dm.Kind, "uniform", StringComparison.OrdinalIgnoreCase);
            var total = 0.0;
            for (var s = 0; s < nodes.Count; s++)
            {
                for (var t = 0; t < nodes.Count; t++)
                {
                    total += s == t ? 0 : gravity ? weights[s] * weights[t] : 1;
                }
            }

            demands = [];
            for (var s = 0; s < nodes.Count; s++)
            {
                for (var t = 0; t < nodes.Count; t++)
                {
                    if (s != t)
                    {
                        demands.Add(new Demand(s, t, dm.TotalGbps * (gravity ? weights[s] * weights[t] : 1) / total));
                    }
                }
            }
        }

        return new ExpandedIntent(intent, nodes, demands, weights);
    }

    /// <summary>Regions spread over the area, sites scattered around each region's centre; the first sites of a region are its cores.</summary>
    private static List<(NetworkNode, double)> Generate(SiteModel model)
    {
        var random = new Random(model.Seed);
        var sites = new List<(NetworkNode, double)>();

        // Around a reference point at 45N 0E: 1 degree of latitude ~ 111 km.
        var kmPerDegree = 111.0;
        var regionRadius = model.SpreadKm / (2.5 * Math.Sqrt(model.Regions));
        for (var r = 0; r < model.Regions; r++)
        {
            var angle = 2 * Math.PI * r / model.Regions;
            var reach = model.Regions == 1 ? 0 : model.SpreadKm / 2.5;
            var centreLat = 45 + (reach * Math.Sin(angle) / kmPerDegree);
            var centreLon = reach * Math.Cos(angle) / (kmPerDegree * Math.Cos(45 * Math.PI / 180));
            var count = (model.Count / model.Regions) + (r < model.Count % model.Regions ? 1 : 0);
            for (var k = 0; k < count; k++)
            {
                var core = k < model.CoresPerRegion;
                var distance = (core ? 0.15 : 1) * regionRadius * Math.Sqrt(random.NextDouble());
                var bearing = 2 * Math.PI * random.NextDouble();
                var lat = centreLat + (distance * Math.Sin(bearing) / kmPerDegree);
                var lon = centreLon + (distance * Math.Cos(bearing) / (kmPerDegree * Math.Cos(lat * Math.PI / 180)));
                var id = $"r{r + 1}-{(core ? "core" : "site")}{k + 1}";
                sites.Add((new NetworkNode(id, id, Math.Round(lat, 5), Math.Round(lon, 5), core ? "core" : "access", $"region-{r + 1}"), core ? 4 : 0.5 + random.NextDouble()));
            }
        }

        return sites;
    }
}
