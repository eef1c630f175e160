using NetworkTwin.Analytics.Graphs;

namespace NetworkTwin.Analytics.Leo;

/// <summary>One station pair over the run: one-way latency on the shortest path (km at the speed of light) when reachable.</summary>
public sealed record LeoPairSeries(string From, string To, double GreatCircleMs, IReadOnlyList<double?> LatencyMs, IReadOnlyList<int?> Hops)
{
    public double Outage => LatencyMs.Count(l => l is null) / (double)Math.Max(1, LatencyMs.Count);

    public double? Min => Reached(Enumerable.Min);

    public double? Mean => Reached(Enumerable.Average);

    public double? Max => Reached(Enumerable.Max);

    /// <summary>A statistic of the latencies when the pair was reachable at all, else null.</summary>
    private double? Reached(Func<IEnumerable<double>, double> statistic)
    {
        var reached = LatencyMs.Where(l => l is not null).Select(l => l!.Value).ToList();
        return reached.Count == 0 ? null : statistic(reached);
    }
}

public sealed record LeoTimelineReport(
    WalkerSpec Spec,
    double PeriodSeconds,
    IReadOnlyList<double> Times,
    IReadOnlyList<LeoPairSeries> Pairs,
    IReadOnlyDictionary<string, IReadOnlyList<int>> VisibleSatellites,
    IReadOnlyList<int> InterPlaneLinks);

/// <summary>
/// Runs a constellation through time: at every step the snapshot's links are rebuilt, and every
/// station pair is routed on the lowest-latency path (Dijkstra on link km), so the capacity and
/// latency the ground sees vary with orbital motion and gaps in coverage show as outages.
/// </summary>
public static class LeoTimeline
{
    /// <param name="failed">Satellites or stations (by id) that are out of service for the whole run.</param>
    public static LeoTimelineReport Run(WalkerSpec spec, IReadOnlyList<GroundStation> stations, double durationSeconds, double stepSeconds, IProgress<double>? progress = null, IReadOnlySet<string>? failed = null)
    {
        var constellation = new WalkerConstellation(spec);
        var steps = (int)Math.Floor(durationSeconds / stepSeconds) + 1;
        var times = Enumerable.Range(0, steps).Select(i => i * stepSeconds).ToList();
        var pairs = new List<(int A, int B)>();
        for (var a = 0; a < stations.Count; a++)
        {
            for (var b = a + 1; b < stations.Count; b++)
            {
                pairs.Add((a, b));
            }
        }

        var latency = pairs.Select(_ => new double?[steps]).ToList();
        var hops = pairs.Select(_ => new int?[steps]).ToList();
        var visible = stations.ToDictionary(s => s.Id, _ => new int[steps]);
        var inter = new int[steps];
        for (var i = 0; i < steps; i++)
        {
            var network = constellation.Snapshot(times[i], stations);
            inter[i] = network.Links.Count(l => l.Type == "isl-inter");
            var adjacency = Adjacency(network, failed);
            for (var g = 0; g < stations.Count; g++)
            {
                visible[stations[g].Id][i] = adjacency[spec.Satellites + g].Count;
            }

            // One Dijkstra per source station covers all its pairs.
            for (var a = 0; a < stations.Count; a++)
            {
                var (distance, hopCount) = Shortest(adjacency, spec.Satellites + a, spec.Satellites);
                for (var p = 0; p < pairs.Count; p++)
                {
                    if (pairs[p].A == a && !double.IsPositiveInfinity(distance[spec.Satellites + pairs[p].B]))
                    {
                        latency[p][i] = distance[spec.Satellites + pairs[p].B] / WalkerConstellation.LightKmPerMs;
                        hops[p][i] = hopCount[spec.Satellites + pairs[p].B];
                    }
                }
            }

            progress?.Report((i + 1.0) / steps);
        }

        var series = pairs.Select((p, k) => new LeoPairSeries(
            stations[p.A].Id,
            stations[p.B].Id,
            Geo.DistanceKm(stations[p.A].LatitudeDeg, stations[p.A].LongitudeDeg, stations[p.B].LatitudeDeg, stations[p.B].LongitudeDeg) / WalkerConstellation.LightKmPerMs,
            latency[k],
            hops[k])).ToList();
        return new LeoTimelineReport(spec, constellation.PeriodSeconds, times, series, visible.ToDictionary(v => v.Key, v => (IReadOnlyList<int>)v.Value), inter);
    }

    private static List<(int To, double Km)>[] Adjacency(Network network, IReadOnlySet<string>? failed)
    {
        var adjacency = Enumerable.Range(0, network.NodeCount).Select(_ => new List<(int, double)>()).ToArray();
        foreach (var l in network.Links)
        {
            if (failed is { Count: > 0 } && (failed.Contains(network.Nodes[l.A].Id) || failed.Contains(network.Nodes[l.B].Id)))
            {
                continue;
            }

            adjacency[l.A].Add((l.B, l.LengthKm!.Value));
            adjacency[l.B].Add((l.A, l.LengthKm!.Value));
        }

        return adjacency;
    }

    /// <summary>Dijkstra on km from <paramref name="source"/>; other ground stations are reached but do not relay.</summary>
    private static (double[] Distance, int[] Hops) Shortest(List<(int To, double Km)>[] adjacency, int source, int firstStation)
    {
        var distance = Enumerable.Repeat(double.PositiveInfinity, adjacency.Length).ToArray();
        var hops = new int[adjacency.Length];
        var queue = new PriorityQueue<int, double>();
        distance[source] = 0;
        queue.Enqueue(source, 0);
        while (queue.TryDequeue(out var u, out var d))
        {
            if (d > distance[u] || (u >= firstStation && u != source))
            {
                continue;
            }

            foreach (var (v, km) in adjacency[u])
            {
                if (d + km < distance[v])
                {
                    distance[v] = d + km;
                    hops[v] = hops[u] + 1;
                    queue.Enqueue(v, distance[v]);
                }
            }
        }

        return (distance, hops);
    }
}
