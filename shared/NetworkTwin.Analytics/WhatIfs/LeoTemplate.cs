using System.Globalization;
using NetworkTwin.Analytics.Graphs;
using NetworkTwin.Analytics.Leo;

namespace NetworkTwin.Analytics.WhatIfs;

/// <summary>
/// LEO satellite: a Walker constellation through time (<see cref="LeoTimeline"/>), every station pair on
/// its lowest-latency path. A pair's "loss" is the share of the run it has no path; it breaks the SLA
/// when that share or its worst latency exceeds the SLA. What-ifs fail satellites (<c>node-down:sat-2-5</c>),
/// a whole plane (<c>node-down:plane-2</c>) or a ground station.
/// </summary>
public sealed class LeoTemplate(WalkerSpec spec, IReadOnlyList<GroundStation> stations, double durationSeconds, double stepSeconds, double maxOutagePercent, double maxLatencyMs) : IScenarioTemplate
{
    public string Kind => "leo";

    public string Description => string.Create(
        CultureInfo.InvariantCulture,
        $"Walker {spec.Pattern} {spec.Satellites}/{spec.Planes}/{spec.Phasing} at {spec.AltitudeKm:0} km, {spec.InclinationDeg:0.#} deg; stations {string.Join(", ", stations.Select(s => s.Id))}; {durationSeconds / 60:0} min every {stepSeconds:0} s; SLA: outage at most {maxOutagePercent:0.##}%, latency at most {maxLatencyMs:0} ms");

    public IReadOnlyList<WhatIf> DefaultSweep()
    {
        var sweep = new List<WhatIf> { WhatIf.Baseline };
        sweep.AddRange(Enumerable.Range(1, spec.Planes).Select(p => new WhatIf($"plane {p} lost", [new WhatIfChange.NodeDown($"plane-{p}")])));
        sweep.Add(new WhatIf("one satellite in each plane lost", [.. Enumerable.Range(0, spec.Planes).Select(p => new WhatIfChange.NodeDown(WalkerConstellation.SatelliteId(p, p % spec.PerPlane)))]));
        sweep.AddRange(stations.Select(s => new WhatIf($"station {s.Id} lost", [new WhatIfChange.NodeDown(s.Id)])));
        return sweep;
    }

    public ScenarioResult Run(WhatIf whatIf)
    {
        ArgumentNullException.ThrowIfNull(whatIf);
        var failed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var change in whatIf.Changes)
        {
            if (change is not WhatIfChange.NodeDown n)
            {
                throw new ArgumentException($"{change.Describe()}: the LEO template fails satellites, planes or stations (node-down:sat-P-K, node-down:plane-P, node-down:STATION)");
            }

            if (n.Node.StartsWith("plane-", StringComparison.OrdinalIgnoreCase)
                && int.TryParse(n.Node[6..], NumberStyles.None, CultureInfo.InvariantCulture, out var plane) && plane >= 1 && plane <= spec.Planes)
            {
                failed.UnionWith(Enumerable.Range(0, spec.PerPlane).Select(k => WalkerConstellation.SatelliteId(plane - 1, k)));
            }
            else if (IsSatellite(n.Node) || stations.Any(s => s.Id == n.Node))
            {
                failed.Add(n.Node);
            }
            else
            {
                throw new ArgumentException($"no satellite, plane or station '{n.Node}' (satellites sat-1-1..sat-{spec.Planes}-{spec.PerPlane}, planes plane-1..plane-{spec.Planes}, stations {string.Join(", ", stations.Select(s => s.Id))})");
            }
        }

        var report = LeoTimeline.Run(spec, stations, durationSeconds, stepSeconds, null, failed);
        var links = report.Pairs.Select(p =>
        {
            var outage = p.Outage * 100;
            var worst = p.Max ?? double.PositiveInfinity;
            return new LinkOutcome($"{p.From}<->{p.To}", 0, Math.Round(p.Mean ?? 0, 2), Math.Round(p.Max ?? 0, 2), 0, 0, Math.Round(outage, 2), outage > maxOutagePercent || worst > maxLatencyMs);
        }).ToList();
        var notes = string.Create(CultureInfo.InvariantCulture, $"mean/peak columns are one-way latency in ms; worst outage {links.Max(l => l.LossPercent):0.#}%");
        return new ScenarioResult(Kind, whatIf, links, Math.Round(links.Average(l => l.LossPercent), 3), links.Count(l => l.Violates), 0, notes);
    }

    /// <summary>
    /// Which pairs of <paramref name="sites"/> reach each other through the constellation at each step
    /// (the hybrid template's backup), with stations at the sites' coordinates.
    /// </summary>
    public static IReadOnlyList<IReadOnlySet<(int, int)>> Reachability(WalkerSpec spec, Network sites, double durationSeconds, double stepSeconds)
    {
        ArgumentNullException.ThrowIfNull(sites);
        var stations = sites.Nodes.Select(n => new GroundStation(n.Id, n.Latitude ?? throw new ArgumentException($"site {n.Id} has no coordinates"), n.Longitude ?? 0)).ToList();
        var index = stations.Select((s, i) => (s.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);
        var report = LeoTimeline.Run(spec, stations, durationSeconds, stepSeconds);
        return [.. report.Times.Select((_, k) => (IReadOnlySet<(int, int)>)report.Pairs
            .Where(p => p.LatencyMs[k] is not null)
            .Select(p => (Math.Min(index[p.From], index[p.To]), Math.Max(index[p.From], index[p.To])))
            .ToHashSet())];
    }

    private bool IsSatellite(string id)
    {
        var parts = id.Split('-');
        return parts.Length == 3 && parts[0] == "sat"
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p >= 1 && p <= spec.Planes
            && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var k) && k >= 1 && k <= spec.PerPlane;
    }
}
