using System.Diagnostics;
using NetworkTwin.Analytics.Graphs;

namespace NetworkTwin.Analytics.Resilience;

/// <summary>
/// Fails links, nodes, shared-risk groups and pairs of links, and measures for each: partitions,
/// lost pairs and demand, path stretch (all-pairs hop counts), and link utilisation after the
/// demands are re-routed with ECMP. Pure; scenarios run in parallel.
/// </summary>
public static class FailureSimulator
{
    public static SimulationReport Simulate(Network network, SimulationOptions options, IProgress<(string Stage, int Done, int Total)>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(options);
        var problems = network.Validate().Concat(options.Validate()).ToList();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, problems));
        }

        var graph = new CsrGraph(network);
        var context = new Context(network, graph, options);
        var kinds = new List<KindSummary>();
        var outcomes = new List<ScenarioOutcome>();

        void RunKind(FailureKind kind, IReadOnlyList<FailureScenario> scenarios, long possible, bool sampled)
        {
            if (scenarios.Count == 0)
            {
                return;
            }

            var clock = Stopwatch.StartNew();
            var results = context.RunAll(scenarios, kind.ToString(), progress, cancellationToken);
            var partitioning = results.Count(r => r.Components > context.BaselineComponents);
            string? confidence = null;
            if (sampled)
            {
                var (low, high) = Wilson(partitioning, results.Length);
                confidence = $"sampled {results.Length:N0} of {possible:N0}; share that partitions {100.0 * partitioning / results.Length:0.0}% (95% interval {100 * low:0.0}-{100 * high:0.0}%)";
            }

            kinds.Add(new KindSummary(kind, results.Length, possible, partitioning, results.Count(r => r.Hurts), clock.Elapsed.TotalSeconds, confidence));
            outcomes.AddRange(results);
        }

        var links = network.LinkCount;
        if (options.SingleLinks)
        {
            RunKind(FailureKind.Link, [.. Enumerable.Range(0, links).Select(i => new FailureScenario(FailureKind.Link, [i], [], LinkLabel(network, i)))], links, false);
        }

        if (options.SingleNodes)
        {
            RunKind(FailureKind.Node, [.. Enumerable.Range(0, network.NodeCount).Select(v => new FailureScenario(FailureKind.Node, [], [v], $"node {network.Nodes[v].Name}"))], network.NodeCount, false);
        }

        if (options.RiskGroups)
        {
            var groups = network.Links.SelectMany((l, i) => l.RiskGroups.Select(g => (Group: g, Link: i)))
                .GroupBy(x => x.Group, StringComparer.Ordinal)
                .Select(g => new FailureScenario(FailureKind.RiskGroup, [.. g.Select(x => x.Link)], [], $"risk group {g.Key} ({g.Count()} links)"))
                .ToList();
            RunKind(FailureKind.RiskGroup, groups, groups.Count, false);
        }

        if (options.DoubleLinks && links >= 2)
        {
            var possible = (long)links * (links - 1) / 2;
            var pairs = possible <= options.ExhaustiveDoubleLimit ? AllPairs(links) : SamplePairs(links, options.DoubleSamples, options.Seed);
            RunKind(
                FailureKind.DoubleLink,
                [.. pairs.Select(p => new FailureScenario(FailureKind.DoubleLink, [p.A, p.B], [], $"{LinkLabel(network, p.A)} + {LinkLabel(network, p.B)}"))],
                possible,
                possible > options.ExhaustiveDoubleLimit);
        }

        return new SimulationReport(network.Name, network.NodeCount, links, context.BaselineComponents, context.Baseline, context.BaselineUtilisation, kinds, outcomes);
    }

    /// <summary>The single-link failures only, hop counts and components: the core loop, for timing.</summary>
    public static (int Scenarios, long PartitioningScenarios, double Seconds) SingleLinkHopsOnly(Network network, int maxParallelism = -1)
    {
        var graph = new CsrGraph(network);
        var clock = Stopwatch.StartNew();
        var baseComponents = Components.Find(graph, network.Links, [], []).Count;
        long partitioning = 0;
        Parallel.For(
            0,
            network.LinkCount,
            new ParallelOptions { MaxDegreeOfParallelism = maxParallelism },
            () => (Hops: new AllPairsHops(graph), Down: new bool[network.LinkCount]),
            (i, _, local) =>
            {
                local.Down[i] = true;
                local.Hops.Run(local.Down, [], null);
                if (Components.Find(graph, network.Links, local.Down, []).Count > baseComponents)
                {
                    Interlocked.Increment(ref partitioning);
                }

                local.Down[i] = false;
                return local;
            },
            _ => { });
        return (network.LinkCount, partitioning, clock.Elapsed.TotalSeconds);
    }

    public static string LinkLabel(Network network, int link)
    {
        var l = network.Links[link];
        return $"{network.Nodes[l.A].Name} - {network.Nodes[l.B].Name}";
    }

    private static IEnumerable<(int A, int B)> AllPairs(int links)
    {
        for (var a = 0; a < links; a++)
        {
            for (var b = a + 1; b < links; b++)
            {
                yield return (a, b);
            }
        }
    }

    private static List<(int A, int B)> SamplePairs(int links, int count, int seed)
    {
        var random = new Random(seed);
        var seen = new HashSet<(int, int)>();
        while (seen.Count < count)
        {
            var a = random.Next(links);
            var b = random.Next(links);
            if (a != b)
            {
                seen.Add((Math.Min(a, b), Math.Max(a, b)));
            }
        }

        return [.. seen.Order()];
    }

    /// <summary>Wilson score interval at 95% for k successes in n trials.</summary>
    private static (double Low, double High) Wilson(int k, int n)
    {
        const double Z = 1.96;
        var p = (double)k / n;
        var centre = (p + (Z * Z / (2 * n))) / (1 + (Z * Z / n));
        var half = Z * Math.Sqrt((p * (1 - p) / n) + (Z * Z / (4.0 * n * n))) / (1 + (Z * Z / n));
        return (Math.Max(0, centre - half), Math.Min(1, centre + half));
    }

    private sealed class Context
    {
        private readonly Network _network;
        private readonly CsrGraph _graph;
        private readonly SimulationOptions _options;
        private readonly AllPairsHops.Baseline? _baseline;
        private readonly int[] _baseLabel;
        private readonly int[] _baseComponentSize;
        private readonly double[] _capacity;

        public Context(Network network, CsrGraph graph, SimulationOptions options)
        {
            _network = network;
            _graph = graph;
            _options = options;
            var hops = new AllPairsHops(graph);
            _baseline = hops.ComputeBaseline();
            Baseline = _baseline?.Summary ?? hops.Run([], [], null);
            (_baseLabel, BaselineComponents) = Components.Find(graph, network.Links, [], []);
            _baseComponentSize = new int[BaselineComponents];
            foreach (var c in _baseLabel)
            {
                _baseComponentSize[c]++;
            }

            _capacity = [.. network.Links.Select(l => l.CapacityGbps ?? options.DefaultCapacityGbps ?? 0)];
            if (network.Demands.Count > 0)
            {
                var loads = new double[2 * network.LinkCount];
                new EcmpRouter(graph, network.Demands).Route([], [], loads);
                BaselineUtilisation = Worst(loads).Utilisation;
            }
        }

        public HopSummary Baseline { get; }

        public int BaselineComponents { get; }

        public double? BaselineUtilisation { get; }

        public ScenarioOutcome[] RunAll(IReadOnlyList<FailureScenario> scenarios, string stage, IProgress<(string, int, int)>? progress, CancellationToken cancellationToken)
        {
            var results = new ScenarioOutcome[scenarios.Count];
            var done = 0;
            Parallel.For(
                0,
                scenarios.Count,
                new ParallelOptions { MaxDegreeOfParallelism = _options.MaxParallelism, CancellationToken = cancellationToken },
                () => new Worker(this),
                (i, _, worker) =>
                {
                    results[i] = worker.Run(scenarios[i]);
                    var n = Interlocked.Increment(ref done);
                    if (n % 64 == 0 || n == scenarios.Count)
                    {
                        progress?.Report((stage, n, scenarios.Count));
                    }

                    return worker;
                },
                _ => { });
            return results;
        }

        private (double? Utilisation, int? Link, int Overloaded) Worst(ReadOnlySpan<double> loads)
        {
            double? worst = null;
            int? link = null;
            var overloaded = 0;
            for (var i = 0; i < _capacity.Length; i++)
            {
                if (_capacity[i] <= 0)
                {
                    continue;
                }

                var u = Math.Max(loads[2 * i], loads[(2 * i) + 1]) / _capacity[i];
                if (u > 1)
                {
                    overloaded++;
                }

                if (worst is null || u > worst)
                {
                    worst = u;
                    link = i;
                }
            }

            return (worst, link, overloaded);
        }

        private sealed class Worker(Context context)
        {
            private readonly AllPairsHops _hops = new(context._graph);
            private readonly EcmpRouter? _router = context._network.Demands.Count > 0 ? new EcmpRouter(context._graph, context._network.Demands) : null;
            private readonly bool[] _linkDown = new bool[context._network.LinkCount];
            private readonly bool[] _nodeDown = new bool[context._network.NodeCount];
            private readonly double[] _loads = new double[2 * context._network.LinkCount];

            public ScenarioOutcome Run(FailureScenario scenario)
            {
                foreach (var l in scenario.Links)
                {
                    _linkDown[l] = true;
                }

                foreach (var v in scenario.Nodes)
                {
                    _nodeDown[v] = true;
                }

                try
                {
                    ReadOnlySpan<bool> nodes = scenario.Nodes.Length > 0 ? _nodeDown : [];
                    var hops = _hops.Run(_linkDown, nodes, context._baseline);
                    var (label, components) = Components.Find(context._graph, context._network.Links, _linkDown, nodes);
                    var sizes = new int[components];
                    foreach (var c in label)
                    {
                        if (c >= 0)
                        {
                            sizes[c]++;
                        }
                    }

                    var surviving = context._network.NodeCount - scenario.Nodes.Length;
                    var cutOff = surviving - (sizes.Length == 0 ? 0 : sizes.Max());

                    // Pairs among surviving nodes that were connected before: the baseline minus pairs with a failed node.
                    var before = context.Baseline.ReachablePairs - scenario.Nodes.Sum(v => 2L * (context._baseComponentSize[context._baseLabel[v]] - 1));
                    var lost = before > 0 ? 100.0 * (before - hops.ReachablePairs) / before : 0;

                    double unreachable = 0;
                    (double? Utilisation, int? Link, int Overloaded) worst = (null, null, 0);
                    if (_router is not null)
                    {
                        unreachable = _router.Route(_linkDown, nodes, _loads);
                        worst = context.Worst(_loads);
                    }

                    return new ScenarioOutcome(
                        scenario,
                        components,
                        cutOff,
                        Math.Round(Math.Max(0, lost), 3),
                        Math.Round(unreachable, 3),
                        Math.Round(hops.AverageStretch, 4),
                        hops.MaxExtraHops,
                        worst.Utilisation is { } u ? Math.Round(u, 4) : null,
                        worst.Link,
                        worst.Overloaded);
                }
                finally
                {
                    foreach (var l in scenario.Links)
                    {
                        _linkDown[l] = false;
                    }

                    foreach (var v in scenario.Nodes)
                    {
                        _nodeDown[v] = false;
                    }
                }
            }
        }
    }
}
