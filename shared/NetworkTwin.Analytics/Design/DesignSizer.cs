using NetworkTwin.Analytics.Graphs;

namespace NetworkTwin.Analytics.Design;

/// <summary>
/// Gives every link of a layout its capacity and cost: the demands are routed (shortest path,
/// ECMP) in the intact network and in every failure the redundancy level covers; each link gets
/// the cheapest link type and number of circuits that keeps its worst load under the target
/// utilisation. Then the design is scored: cost, latency, connectivity, survivability, and the
/// intent's constraints are checked.
/// </summary>
public static class DesignSizer
{
    /// <summary>Link pairs failed for critical designs (sampled when there are more).</summary>
    public const int DoubleFailureSample = 200;

    public static DesignResult Size(ExpandedIntent intent, TopologyPattern pattern, IReadOnlyList<(int A, int B)> layout, IReadOnlyList<string> log, int maxParallelism = -1, CancellationToken cancellationToken = default)
    {
        var n = intent.Sites.Count;
        var raw = layout.Select(l => new NetworkLink(l.A, l.B, LengthKm: Math.Round(intent.DistanceKm(l.A, l.B), 1)) { RiskGroups = intent.RiskGroups(l.A, l.B) }).ToList();
        var network = new Network(intent.Intent.Name, intent.Sites, raw, intent.Demands);
        var graph = new CsrGraph(network);
        var scenarios = Scenarios(intent.Intent.Redundancy, n, raw, includeDoubles: intent.Intent.Redundancy == Redundancy.Critical);
        var worst = WorstLoads(graph, network, scenarios, maxParallelism, cancellationToken);

        var constraints = intent.Intent.Constraints;
        var violations = new List<string>();
        var sized = new List<SizedLink>();
        for (var i = 0; i < raw.Count; i++)
        {
            var km = raw[i].LengthKm ?? 0;
            var need = worst[i] / constraints.TargetUtilisation;
            SizedLink? best = null;
            foreach (var type in constraints.LinkTypes)
            {
                var circuits = Math.Max(1, (int)Math.Ceiling(need / type.CapacityGbps - 1e-9));
                if (circuits > type.MaxParallel)
                {
                    continue;
                }

                var cost = circuits * (type.FixedCost + (type.CostPerKm * km));
                if (best is null || cost < best.Cost)
                {
                    best = new SizedLink(raw[i].A, raw[i].B, type.Name, circuits, circuits * type.CapacityGbps, Math.Round(cost, 2), km, Math.Round(worst[i], 3));
                }
            }

            if (best is null)
            {
                var biggest = constraints.LinkTypes.MaxBy(t => t.CapacityGbps * t.MaxParallel)!;
                best = new SizedLink(raw[i].A, raw[i].B, biggest.Name, biggest.MaxParallel, biggest.MaxParallel * biggest.CapacityGbps, Math.Round(biggest.MaxParallel * (biggest.FixedCost + (biggest.CostPerKm * km)), 2), km, Math.Round(worst[i], 3));
                violations.Add($"link {intent.Sites[raw[i].A].Id} - {intent.Sites[raw[i].B].Id} needs {need:0.#} Gbit/s, more than {biggest.MaxParallel} x {biggest.Name}");
            }

            sized.Add(best);
        }

        var final = network with
        {
            Links = [.. sized.Select((s, i) => new NetworkLink(s.A, s.B, s.CapacityGbps, s.Cost, s.LengthKm, s.Type) { RiskGroups = raw[i].RiskGroups })],
        };
        var scores = Score(intent, final, maxParallelism, cancellationToken);
        violations.AddRange(Check(intent, scores));
        return new DesignResult($"{intent.Intent.Name}/{pattern}", pattern, final, sized, scores, violations, log);
    }

    /// <summary>The constraint and redundancy checks, each failure saying by how much.</summary>
    public static IEnumerable<string> Check(ExpandedIntent intent, DesignScores scores)
    {
        var c = intent.Intent.Constraints;
        if (c.Budget is { } budget && scores.Cost > budget)
        {
            yield return $"costs {scores.Cost:N0}, over the budget of {budget:N0} by {100 * ((scores.Cost / budget) - 1):0.#}%";
        }

        if (c.MaxHops is { } hops && scores.Diameter > hops)
        {
            yield return $"longest path is {scores.Diameter} hops, over the limit of {hops}";
        }

        if (c.MaxLatencyMs is { } latency && scores.MaxLatencyMs > latency)
        {
            yield return $"worst latency is {scores.MaxLatencyMs:0.00} ms, over the limit of {latency} ms";
        }

        if (scores.SplittingRisks.Count > 0 && intent.Intent.Redundancy >= Redundancy.High)
        {
            yield return $"shared risk(s) {string.Join(", ", scores.SplittingRisks)} failing would split the network; {intent.Intent.Redundancy} redundancy needs diverse routes";
        }

        var (links, nodes) = TopologyGenerator.Required(intent.Intent.Redundancy);
        if (scores.LinkConnectivity < Math.Min(links, intent.Sites.Count - 1) || scores.NodeConnectivity < Math.Min(nodes, intent.Sites.Count - 1))
        {
            yield return $"connectivity {scores.LinkConnectivity} links / {scores.NodeConnectivity} nodes is below what {intent.Intent.Redundancy} redundancy needs ({links} / {nodes})";
        }
    }

    /// <summary>Cost, latency (lowest-latency paths), connectivity and survivability of a sized network.</summary>
    public static DesignScores Score(ExpandedIntent intent, Network network, int maxParallelism = -1, CancellationToken cancellationToken = default)
    {
        var graph = new CsrGraph(network);
        var (maxLatency, avgLatency) = Latency(network, graph);
        var diameter = new AllPairsHops(graph).Run([], [], null).Diameter;
        var scenarios = Scenarios(Redundancy.Critical, network.NodeCount, network.Links, includeDoubles: true);
        var survived = 0;
        Parallel.For(
            0,
            scenarios.Count,
            new ParallelOptions { MaxDegreeOfParallelism = maxParallelism, CancellationToken = cancellationToken },
            () => (Router: new EcmpRouter(graph, network.Demands), Loads: new double[2 * network.LinkCount], LinkDown: new bool[network.LinkCount], NodeDown: new bool[network.NodeCount]),
            (i, _, local) =>
            {
                var (links, nodes) = scenarios[i];
                Apply(local.LinkDown, links, true);
                Apply(local.NodeDown, nodes, true);
                var lost = local.Router.Route(local.LinkDown, nodes.Length > 0 ? local.NodeDown : [], local.Loads);
                var incident = nodes.Length == 0 ? 0 : network.Demands.Where(d => nodes.Contains(d.Source) || nodes.Contains(d.Target)).Sum(d => d.Gbps);
                var overloaded = false;
                for (var l = 0; l < network.LinkCount && !overloaded; l++)
                {
                    var capacity = network.Links[l].CapacityGbps ?? 0;
                    overloaded = Math.Max(local.Loads[2 * l], local.Loads[(2 * l) + 1]) > capacity * 1.000001;
                }

                if (lost - incident <= 1e-9 && !overloaded)
                {
                    Interlocked.Increment(ref survived);
                }

                Apply(local.LinkDown, links, false);
                Apply(local.NodeDown, nodes, false);
                return local;
            },
            _ => { });

        var components = Components.Find(graph, network.Links, [], []).Count;
        var splitting = network.Links.SelectMany((l, i) => l.RiskGroups.Select(g => (Group: g, Link: i)))
            .GroupBy(x => x.Group, StringComparer.Ordinal)
            .Where(g =>
            {
                var down = new bool[network.LinkCount];
                foreach (var x in g)
                {
                    down[x.Link] = true;
                }

                return Components.Find(graph, network.Links, down, []).Count > components;
            })
            .Select(g => g.Key)
            .ToList();
        return new DesignScores(
            Math.Round(network.Links.Sum(l => l.Cost ?? 0), 2),
            Math.Round(maxLatency, 3),
            Math.Round(avgLatency, 3),
            diameter,
            components > 1 ? 0 : Connectivity.Links(graph),
            components > 1 ? 0 : Connectivity.Nodes(graph),
            Math.Round((double)survived / scenarios.Count, 4),
            scenarios.Count)
        {
            SplittingRisks = splitting,
        };
    }

    /// <summary>
    /// Failures a redundancy level is sized for (the intact network first); shared-risk groups
    /// count from High up, since a group is several links at once.
    /// </summary>
    internal static List<(int[] Links, int[] Nodes)> Scenarios(Redundancy redundancy, int nodes, IReadOnlyList<NetworkLink> linkList, bool includeDoubles)
    {
        var links = linkList.Count;
        var list = new List<(int[], int[])> { ([], []) };
        if (redundancy >= Redundancy.High)
        {
            list.AddRange(linkList.SelectMany((l, i) => l.RiskGroups.Select(g => (Group: g, Link: i)))
                .GroupBy(x => x.Group, StringComparer.Ordinal)
                .Select(g => (g.Select(x => x.Link).ToArray(), Array.Empty<int>())));
        }

        if (redundancy >= Redundancy.Standard)
        {
            list.AddRange(Enumerable.Range(0, links).Select(l => (new[] { l }, Array.Empty<int>())));
        }

        if (redundancy >= Redundancy.High)
        {
            list.AddRange(Enumerable.Range(0, nodes).Select(v => (Array.Empty<int>(), new[] { v })));
        }

        if (includeDoubles && links >= 2)
        {
            var random = new Random(17);
            var pairs = new HashSet<(int, int)>();
            var possible = (long)links * (links - 1) / 2;
            while (pairs.Count < Math.Min(DoubleFailureSample, possible))
            {
                var a = random.Next(links);
                var b = random.Next(links);
                if (a != b)
                {
                    pairs.Add((Math.Min(a, b), Math.Max(a, b)));
                }
            }

            list.AddRange(pairs.Order().Select(p => (new[] { p.Item1, p.Item2 }, Array.Empty<int>())));
        }

        return list;
    }

    private static double[] WorstLoads(CsrGraph graph, Network network, List<(int[] Links, int[] Nodes)> scenarios, int maxParallelism, CancellationToken cancellationToken)
    {
        var worst = new double[network.LinkCount];
        var gate = new Lock();
        Parallel.For(
            0,
            scenarios.Count,
            new ParallelOptions { MaxDegreeOfParallelism = maxParallelism, CancellationToken = cancellationToken },
            () => (Router: new EcmpRouter(graph, network.Demands), Loads: new double[2 * network.LinkCount], Worst: new double[network.LinkCount], LinkDown: new bool[network.LinkCount], NodeDown: new bool[network.NodeCount]),
            (i, _, local) =>
            {
                var (links, nodes) = scenarios[i];
                Apply(local.LinkDown, links, true);
                Apply(local.NodeDown, nodes, true);
                local.Router.Route(local.LinkDown, nodes.Length > 0 ? local.NodeDown : [], local.Loads);
                for (var l = 0; l < network.LinkCount; l++)
                {
                    local.Worst[l] = Math.Max(local.Worst[l], Math.Max(local.Loads[2 * l], local.Loads[(2 * l) + 1]));
                }

                Apply(local.LinkDown, links, false);
                Apply(local.NodeDown, nodes, false);
                return local;
            },
            local =>
            {
                lock (gate)
                {
                    for (var l = 0; l < worst.Length; l++)
                    {
                        worst[l] = Math.Max(worst[l], local.Worst[l]);
                    }
                }
            });
        return worst;
    }

    private static void Apply(bool[] mask, int[] indices, bool value)
    {
        foreach (var i in indices)
        {
            mask[i] = value;
        }
    }

    /// <summary>Lowest-latency path of every demand (Dijkstra on fibre km): worst and demand-weighted mean, in ms.</summary>
    private static (double Max, double Average) Latency(Network network, CsrGraph graph)
    {
        var n = network.NodeCount;
        var distance = new double[n];
        var queue = new PriorityQueue<int, double>();
        double max = 0, weighted = 0, total = 0;
        foreach (var group in network.Demands.Where(d => d.Gbps > 0).GroupBy(d => d.Source))
        {
            Array.Fill(distance, double.PositiveInfinity);
            distance[group.Key] = 0;
            queue.Enqueue(group.Key, 0);
            while (queue.TryDequeue(out var u, out var du))
            {
                if (du > distance[u])
                {
                    continue;
                }

                for (var a = graph.Start[u]; a < graph.Start[u + 1]; a++)
                {
                    var v = graph.Neighbour[a];
                    var dv = du + (network.Links[graph.LinkOf[a]].LengthKm ?? 0);
                    if (dv < distance[v])
                    {
                        distance[v] = dv;
                        queue.Enqueue(v, dv);
                    }
                }
            }

            foreach (var d in group)
            {
                if (double.IsFinite(distance[d.Target]))
                {
                    var ms = distance[d.Target] * Geo.FibreMsPerKm;
                    max = Math.Max(max, ms);
                    weighted += ms * d.Gbps;
                    total += d.Gbps;
                }
            }
        }

        return (max, total > 0 ? weighted / total : 0);
    }
}
