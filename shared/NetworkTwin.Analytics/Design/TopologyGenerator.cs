using NetworkTwin.Analytics.Graphs;

namespace NetworkTwin.Analytics.Design;

/// <summary>
/// Lays out the links of a pattern over an intent's sites, then adds the shortest links that lift
/// the design to the connectivity its redundancy level needs (each addition logged with why).
/// Links are unsized here; <see cref="DesignSizer"/> gives them capacity and cost.
/// </summary>
public static class TopologyGenerator
{
    /// <summary>Above this many sites a full mesh is not offered (n(n-1)/2 links).</summary>
    public const int MaxFullMeshSites = 60;

    /// <summary>Why a pattern cannot be used for this intent, or null when it can.</summary>
    public static string? NotApplicable(TopologyPattern pattern, ExpandedIntent intent) => pattern switch
    {
        TopologyPattern.FullMesh when intent.Sites.Count > MaxFullMeshSites =>
            $"a full mesh of {intent.Sites.Count} sites needs {intent.Sites.Count * (intent.Sites.Count - 1) / 2:N0} links",
        TopologyPattern.Ring when intent.Sites.Count < 3 => "a ring needs at least 3 sites",
        _ => null,
    };

    public static (List<(int A, int B)> Links, List<string> Log) Generate(TopologyPattern pattern, ExpandedIntent intent)
    {
        var why = NotApplicable(pattern, intent);
        if (why is not null)
        {
            throw new ArgumentException($"{pattern} is not applicable: {why}.");
        }

        var n = intent.Sites.Count;
        var links = new HashSet<(int, int)>();
        void Add(int a, int b)
        {
            if (a != b)
            {
                links.Add((Math.Min(a, b), Math.Max(a, b)));
            }
        }

        var all = Enumerable.Range(0, n).ToList();
        switch (pattern)
        {
            case TopologyPattern.FullMesh:
                foreach (var a in all)
                {
                    foreach (var b in all.Where(b => b > a))
                    {
                        Add(a, b);
                    }
                }

                break;
            case TopologyPattern.Ring:
                RingThrough(all, intent, Add);
                break;
            case TopologyPattern.DualHub:
                var hubs = Hubs(intent, all, 2);
                Add(hubs[0], hubs[^1]);
                foreach (var v in all.Where(v => !hubs.Contains(v)))
                {
                    foreach (var h in hubs)
                    {
                        Add(v, h);
                    }
                }

                break;
            case TopologyPattern.Tree:
                // Cores meshed; every other site hangs off its nearest core (one parent).
                var cores = Cores(intent, all);
                FullMesh(cores, Add);
                foreach (var v in all.Where(v => !cores.Contains(v)))
                {
                    Add(v, Nearest(intent, v, cores));
                }

                break;
            case TopologyPattern.LeafSpine:
                var spines = Hubs(intent, all, Math.Clamp(intent.Regions.Count, 2, 4));
                foreach (var v in all.Where(v => !spines.Contains(v)))
                {
                    foreach (var s in spines)
                    {
                        Add(v, s);
                    }
                }

                break;
            case TopologyPattern.PartialMesh:
                // Each site to its k nearest sites: a planar-ish mesh that follows geography.
                var k = intent.Intent.Redundancy >= Redundancy.High ? 3 : 2;
                foreach (var v in all)
                {
                    foreach (var u in all.Where(u => u != v).OrderBy(u => intent.DistanceKm(u, v)).Take(k))
                    {
                        Add(u, v);
                    }
                }

                break;
            case TopologyPattern.Hybrid:
                // Per region: sites dual-homed to the region's two cores (a ring when there are
                // no cores); across regions the cores form a ring plus each core's nearest foreign core.
                var regionCores = new List<int>();
                foreach (var region in intent.Regions)
                {
                    var members = intent.InRegion(region).ToList();
                    var local = Hubs(intent, members, Math.Min(2, members.Count));
                    regionCores.AddRange(local);
                    if (local.Count > 1)
                    {
                        Add(local[0], local[1]);
                    }

                    foreach (var v in members.Where(v => !local.Contains(v)))
                    {
                        foreach (var h in local)
                        {
                            Add(v, h);
                        }
                    }
                }

                if (regionCores.Count >= 3)
                {
                    RingThrough(regionCores, intent, Add);
                }

                foreach (var c in regionCores)
                {
                    var foreign = regionCores.Where(o => intent.Sites[o].Region != intent.Sites[c].Region).ToList();
                    if (foreign.Count > 0)
                    {
                        Add(c, Nearest(intent, c, foreign));
                    }
                }

                break;
        }

        var list = links.ToList();
        var log = Augment(list, intent);
        return (list, log);
    }

    /// <summary>Connectivity a redundancy level needs: (links, nodes) whose loss the design must survive + 1.</summary>
    public static (int Links, int Nodes) Required(Redundancy redundancy) => redundancy switch
    {
        Redundancy.None => (1, 1),
        Redundancy.Standard => (2, 1),
        Redundancy.High => (2, 2),
        _ => (3, 2),
    };

    /// <summary>Adds the shortest link across a weakest cut until the design meets its redundancy.</summary>
    public static List<string> Augment(List<(int A, int B)> links, ExpandedIntent intent)
    {
        var log = new List<string>();
        var n = intent.Sites.Count;
        var (needLinks, needNodes) = Required(intent.Intent.Redundancy);
        needNodes = Math.Min(needNodes, n - 1);
        needLinks = Math.Min(needLinks, n - 1);
        for (var guard = 0; guard < 4 * n; guard++)
        {
            var graph = new CsrGraph(n, [.. links.Select(l => new NetworkLink(l.A, l.B))]);
            var (label, parts) = Components.Find(graph, [.. links.Select(l => new NetworkLink(l.A, l.B))], [], []);
            if (parts > 1)
            {
                var added = Shortest(intent, links, v => label[v] == 0, v => label[v] != 0);
                log.Add($"added {Name(intent, added)}: joins two disconnected parts");
                continue;
            }

            var (lambda, side) = Connectivity.MinLinkCut(graph);
            if (lambda < needLinks && side is not null)
            {
                var added = Shortest(intent, links, v => side[v], v => !side[v]);
                log.Add($"added {Name(intent, added)}: {lambda} link failure(s) could cut {side.Count(x => x)} site(s) off; {intent.Intent.Redundancy} redundancy needs {needLinks}");
                continue;
            }

            var (kappa, sourceSide, sinkSide) = Connectivity.MinNodeCut(graph);
            if (kappa < needNodes && sourceSide is not null && sinkSide is not null)
            {
                var added = Shortest(intent, links, v => sourceSide[v], v => sinkSide[v]);
                log.Add($"added {Name(intent, added)}: one node failure could split the network; {intent.Intent.Redundancy} redundancy needs {needNodes}-node connectivity");
                continue;
            }

            break;
        }

        return log;
    }

    private static (int A, int B) Shortest(ExpandedIntent intent, List<(int A, int B)> links, Func<int, bool> left, Func<int, bool> right)
    {
        var existing = links.ToHashSet();
        var n = intent.Sites.Count;
        var best = (A: -1, B: -1);
        var bestKm = double.MaxValue;
        for (var a = 0; a < n; a++)
        {
            if (!left(a))
            {
                continue;
            }

            for (var b = 0; b < n; b++)
            {
                if (!right(b) || a == b || existing.Contains((Math.Min(a, b), Math.Max(a, b))))
                {
                    continue;
                }

                var km = intent.DistanceKm(a, b);
                if (km < bestKm)
                {
                    bestKm = km;
                    best = (Math.Min(a, b), Math.Max(a, b));
                }
            }
        }

        if (best.A < 0)
        {
            throw new InvalidOperationException("no link can be added across the cut (every pair is already linked)");
        }

        links.Add(best);
        return best;
    }

    private static string Name(ExpandedIntent intent, (int A, int B) link) =>
        $"{intent.Sites[link.A].Id} - {intent.Sites[link.B].Id} ({intent.DistanceKm(link.A, link.B):0} km)";

    /// <summary>Sites in angular order around their centroid, joined into a ring.</summary>
    private static void RingThrough(List<int> sites, ExpandedIntent intent, Action<int, int> add)
    {
        var lat = sites.Average(v => intent.Sites[v].Latitude ?? 0);
        var lon = sites.Average(v => intent.Sites[v].Longitude ?? 0);
        var order = sites.OrderBy(v => Math.Atan2((intent.Sites[v].Latitude ?? 0) - lat, (intent.Sites[v].Longitude ?? 0) - lon)).ToList();
        for (var i = 0; i < order.Count; i++)
        {
            add(order[i], order[(i + 1) % order.Count]);
        }
    }

    private static void FullMesh(List<int> sites, Action<int, int> add)
    {
        foreach (var a in sites)
        {
            foreach (var b in sites.Where(b => b > a))
            {
                add(a, b);
            }
        }
    }

    /// <summary>Core sites, or the heaviest site per region when no site has a core role.</summary>
    private static List<int> Cores(ExpandedIntent intent, List<int> sites)
    {
        var cores = sites.Where(intent.IsCore).ToList();
        return cores.Count > 0 ? cores : [.. intent.Regions.Select(r => intent.InRegion(r).MaxBy(v => intent.Weights[v]))];
    }

    /// <summary>The <paramref name="count"/> best hubs: cores first, then by weight, then most central.</summary>
    private static List<int> Hubs(ExpandedIntent intent, List<int> sites, int count) =>
        [.. sites.OrderByDescending(intent.IsCore)
            .ThenByDescending(v => intent.Weights[v])
            .ThenBy(v => sites.Sum(u => intent.DistanceKm(u, v)))
            .Take(count)];

    private static int Nearest(ExpandedIntent intent, int v, List<int> candidates) => candidates.MinBy(c => intent.DistanceKm(v, c));
}
