using System.Globalization;
using NetworkTwin.Analytics.Graphs;
using NetworkTwin.Analytics.Graphs.Formats;

namespace NetworkTwin.Analytics.WhatIfs;

/// <summary>
/// Terrestrial IP backbone: a series of traffic matrices routed on hop-count shortest paths with
/// equal-cost multipath at every step. A link's loss is the traffic above its capacity (no buffer
/// absorbs minutes of overload); failed links and nodes are routed around, and demand with no path
/// is unreachable. With a <see cref="SatelliteBackup"/> (the hybrid template) demand with no
/// terrestrial path rides the LEO constellation when it is in view, up to each site's ground capacity.
/// Targets of growth and spikes are sites (node ids); new sites copy a site's demands.
/// </summary>
public sealed class BackboneTemplate : IScenarioTemplate
{
    private readonly Network _network;
    private readonly TrafficMatrixCsv _matrices;
    private readonly int _first;
    private readonly int _count;
    private readonly double _scale;
    private readonly double _lossTarget;
    private readonly double _costPerGbpsMonth;
    private readonly SatelliteBackup? _backup;

    /// <param name="first">First matrix (row) of the period replayed.</param>
    /// <param name="count">Matrices replayed.</param>
    /// <param name="scale">From the matrices' unit to Gbit/s (1e-3 for Mbit/s).</param>
    public BackboneTemplate(Network network, TrafficMatrixCsv matrices, int first, int count, double scale, double lossTarget, double costPerGbpsMonth, SatelliteBackup? backup = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(matrices);
        if (first < 0 || count < 1 || first + count > matrices.Rows.Count)
        {
            throw new ArgumentException($"the period {first}..{first + count - 1} is outside the {matrices.Rows.Count} matrices");
        }

        if (network.Links.Any(l => l.CapacityGbps is not > 0))
        {
            throw new ArgumentException($"every link of {network.Name} needs a capacity");
        }

        (_network, _matrices, _first, _count, _scale, _lossTarget, _costPerGbpsMonth, _backup) = (network, matrices, first, count, scale, lossTarget, costPerGbpsMonth, backup);
    }

    /// <summary>Per step, whether each site pair can reach each other through the constellation, and each site's ground capacity.</summary>
    /// <param name="Reachable">Step index (modulo its length) to the set of reachable site pairs (lower index first).</param>
    public sealed record SatelliteBackup(IReadOnlyList<IReadOnlySet<(int, int)>> Reachable, double GroundGbps, string Description);

    public string Kind => _backup is null ? "backbone" : "hybrid";

    public string Description => string.Create(
        CultureInfo.InvariantCulture,
        $"{_network.Name}: {_network.NodeCount} sites, {_network.LinkCount} links ({_network.Links.Sum(l => l.CapacityGbps!.Value):0} Gbit/s in all), {_count} traffic matrices from {_matrices.Times[_first]:yyyy-MM-dd HH:mm} every {_matrices.StepSeconds / 60:0} min, loss target {_lossTarget:0.###%}")
        + (_backup is null ? string.Empty : "; satellite backup: " + _backup.Description);

    public IReadOnlyList<WhatIf> DefaultSweep()
    {
        var sweep = new List<WhatIf> { WhatIf.Baseline };
        sweep.AddRange(_network.Links.Select((_, i) => new WhatIf($"link {LinkName(i)} fails", [new WhatIfChange.LinkDown(LinkName(i))])));
        sweep.AddRange(_network.Nodes.Select(n => new WhatIf($"site {n.Id} fails", [new WhatIfChange.NodeDown(n.Id)])));
        sweep.AddRange(FronthaulTemplate.GrowthSteps.Concat([4.0, 8.0]).Select(f => new WhatIf(string.Create(CultureInfo.InvariantCulture, $"all traffic x{f}"), [new WhatIfChange.Growth(f, [])])));
        var busiest = Enumerable.Range(0, _network.NodeCount).OrderByDescending(SiteVolume).First();
        sweep.Add(new WhatIf($"spike x10 at {_network.Nodes[busiest].Id}", [new WhatIfChange.Spike(10, [_network.Nodes[busiest].Id], 0.4, 0.6)]));
        var neighbours = _network.Links.Where(l => l.A == busiest || l.B == busiest).Select(l => _network.Nodes[l.A == busiest ? l.B : l.A].Id).Take(2).ToList();
        sweep.Add(new WhatIf($"new site like {_network.Nodes[busiest].Id}", [new WhatIfChange.NewSite("NEWSITE", _network.Nodes[busiest].Id, neighbours)]));
        return sweep;
    }

    public ScenarioResult Run(WhatIf whatIf)
    {
        ArgumentNullException.ThrowIfNull(whatIf);
        var nodes = _network.Nodes.ToList();
        var links = _network.Links.ToList();
        var scale = new Dictionary<(int, int), double>();
        var spikes = new List<(HashSet<int> Sites, double Factor, int From, int To)>();
        var clones = new List<(int Site, int Like)>();
        var downLinks = new HashSet<int>();
        var downNodes = new HashSet<int>();
        foreach (var change in whatIf.Changes)
        {
            switch (change)
            {
                case WhatIfChange.LinkDown l:
                    downLinks.Add(LinkIndex(l.Link, nodes, links));
                    break;
                case WhatIfChange.NodeDown n:
                    downNodes.Add(NodeIndex(n.Node, nodes));
                    break;
                case WhatIfChange.Capacity c:
                    var index = LinkIndex(c.Link, nodes, links);
                    links[index] = links[index] with { CapacityGbps = c.Gbps };
                    break;
                case WhatIfChange.Growth { Factor: double.NaN }:
                    throw new ArgumentException("growth:forecast needs forecasts: run it on the twin's state (networktwin scenario twin)");
                case WhatIfChange.Growth g:
                    var grown = g.Targets.Select(t => NodeIndex(t, nodes)).ToHashSet();
                    foreach (var pair in _matrices.Pairs.Where(p => grown.Count == 0 || grown.Contains(p.Source) || grown.Contains(p.Target)))
                    {
                        scale[pair] = scale.GetValueOrDefault(pair, 1) * g.Factor;
                    }

                    break;
                case WhatIfChange.Spike s:
                    spikes.Add(([.. s.Targets.Select(t => NodeIndex(t, nodes))], s.Factor, (int)(s.From * _count), (int)(s.To * _count)));
                    break;
                case WhatIfChange.NewSite n:
                    var like = NodeIndex(n.CloneOf, nodes);
                    var site = nodes.Count;
                    nodes.Add(new NetworkNode(n.Name, n.Name, nodes[like].Latitude, nodes[like].Longitude));
                    var capacity = links.Where(l => l.A == like || l.B == like).Max(l => l.CapacityGbps!.Value);
                    links.AddRange(n.AttachTo.Select(a => new NetworkLink(site, NodeIndex(a, nodes), capacity)));
                    clones.Add((site, like));
                    break;
                default:
                    throw new ArgumentException($"{change.Describe()}: not a backbone change");
            }
        }

        var network = _network with { Nodes = nodes, Links = links, Demands = [] };
        var graph = new CsrGraph(network);
        var linkDown = new bool[links.Count];
        foreach (var l in downLinks)
        {
            linkDown[l] = true;
        }

        var nodeDown = new bool[nodes.Count];
        foreach (var n in downNodes)
        {
            nodeDown[n] = true;
        }

        var load = new double[2 * links.Count];
        var sum = new double[2 * links.Count];
        var peak = new double[2 * links.Count];
        var over = new double[2 * links.Count];
        double offered = 0, unreachable = 0, bySatellite = 0;
        for (var k = 0; k < _count; k++)
        {
            var row = _first + k;
            var demands = new List<Demand>(_matrices.Pairs.Count + (clones.Count * 2 * nodes.Count));
            for (var c = 0; c < _matrices.Pairs.Count; c++)
            {
                var (s, t) = _matrices.Pairs[c];
                var factor = scale.GetValueOrDefault((s, t), 1);
                foreach (var spike in spikes.Where(x => k >= x.From && k < x.To && (x.Sites.Contains(s) || x.Sites.Contains(t))))
                {
                    factor *= spike.Factor;
                }

                var gbps = _matrices.Rows[row][c] * _scale * factor;
                demands.Add(new Demand(s, t, gbps));
                foreach (var (site, like) in clones)
                {
                    // The new site talks to everyone as the site it copies does.
                    if (s == like && t != site)
                    {
                        demands.Add(new Demand(site, t, gbps));
                    }
                    else if (t == like && s != site)
                    {
                        demands.Add(new Demand(s, site, gbps));
                    }
                }
            }

            offered += demands.Sum(d => d.Gbps);
            var lost = new EcmpRouter(graph, demands).Route(linkDown, nodeDown, load);
            if (lost > 0 && _backup is not null)
            {
                var carried = Math.Min(lost, Backup(demands, graph, links, linkDown, nodeDown, k));
                bySatellite += carried;
                lost = Math.Max(0, lost - carried);
            }

            unreachable += lost;
            for (var d = 0; d < load.Length; d++)
            {
                var cap = linkDown[d / 2] ? 0 : links[d / 2].CapacityGbps!.Value;
                sum[d] += load[d];
                peak[d] = Math.Max(peak[d], load[d]);
                over[d] += Math.Max(0, load[d] - cap);
            }
        }

        var outcomes = new List<LinkOutcome>();
        for (var d = 0; d < load.Length; d++)
        {
            var link = links[d / 2];
            var (from, to) = d % 2 == 0 ? (link.A, link.B) : (link.B, link.A);
            var cap = linkDown[d / 2] ? 0 : link.CapacityGbps!.Value;
            var mean = sum[d] / _count;
            var loss = sum[d] > 0 ? 100 * over[d] / sum[d] : 0;
            outcomes.Add(new LinkOutcome($"{nodes[from].Id}->{nodes[to].Id}", cap, Math.Round(mean, 3), Math.Round(peak[d], 3), cap > 0 ? mean / cap : 0, cap > 0 ? peak[d] / cap : 0, Math.Round(loss, 4), loss > _lossTarget * 100));
        }

        var cost = links.Where((_, i) => !linkDown[i]).Sum(l => l.CapacityGbps!.Value) * _costPerGbpsMonth;
        var notes = _backup is null || bySatellite <= 0 ? string.Empty : string.Create(CultureInfo.InvariantCulture, $"{100 * bySatellite / offered:0.###}% of the traffic rode the satellites");
        var unreachablePercent = offered > 0 ? 100 * unreachable / offered : 0;
        return new ScenarioResult(Kind, whatIf, outcomes, Math.Round(unreachablePercent, 4), outcomes.Count(o => o.Violates) + (unreachablePercent > _lossTarget * 100 ? 1 : 0), Math.Round(cost, 2), notes);
    }

    /// <summary>Demand with no terrestrial path that the constellation carries at step <paramref name="k"/>, within each site's ground capacity.</summary>
    private double Backup(List<Demand> demands, CsrGraph graph, List<NetworkLink> links, bool[] linkDown, bool[] nodeDown, int k)
    {
        var reachable = _backup!.Reachable[k % _backup.Reachable.Count];
        var (label, _) = Components.Find(graph, links, linkDown, nodeDown);
        var used = new Dictionary<int, double>();
        var carried = 0.0;
        foreach (var d in demands.Where(d => d.Gbps > 0 && !nodeDown[d.Source] && !nodeDown[d.Target] && label[d.Source] != label[d.Target]))
        {
            if (!reachable.Contains((Math.Min(d.Source, d.Target), Math.Max(d.Source, d.Target))))
            {
                continue;
            }

            var room = Math.Min(_backup.GroundGbps - used.GetValueOrDefault(d.Source), _backup.GroundGbps - used.GetValueOrDefault(d.Target));
            var take = Math.Max(0, Math.Min(room, d.Gbps));
            used[d.Source] = used.GetValueOrDefault(d.Source) + take;
            used[d.Target] = used.GetValueOrDefault(d.Target) + take;
            carried += take;
        }

        return carried;
    }

    private double SiteVolume(int site)
    {
        var total = 0.0;
        for (var c = 0; c < _matrices.Pairs.Count; c++)
        {
            if (_matrices.Pairs[c].Source == site || _matrices.Pairs[c].Target == site)
            {
                for (var k = _first; k < _first + _count; k++)
                {
                    total += _matrices.Rows[k][c];
                }
            }
        }

        return total;
    }

    /// <summary>The index of the link a what-if names (SITE-SITE or SITE->SITE, either way round) in <paramref name="network"/>.</summary>
    public static int LinkIndexOf(Network network, string name)
    {
        ArgumentNullException.ThrowIfNull(network);
        return LinkIndex(name, [.. network.Nodes], [.. network.Links]);
    }

    private string LinkName(int i) => $"{_network.Nodes[_network.Links[i].A].Id}-{_network.Nodes[_network.Links[i].B].Id}";

    private static int NodeIndex(string id, List<NetworkNode> nodes)
    {
        var index = nodes.FindIndex(n => string.Equals(n.Id, id, StringComparison.OrdinalIgnoreCase));
        return index >= 0 ? index : throw new ArgumentException($"no site '{id}' (sites: {string.Join(", ", nodes.Select(n => n.Id))})");
    }

    private static int LinkIndex(string name, List<NetworkNode> nodes, List<NetworkLink> links)
    {
        var ends = name.Split(["->", "-"], 2, StringSplitOptions.TrimEntries);
        if (ends.Length == 2)
        {
            var (a, b) = (NodeIndex(ends[0], nodes), NodeIndex(ends[1], nodes));
            var index = links.FindIndex(l => (l.A == a && l.B == b) || (l.A == b && l.B == a));
            if (index >= 0)
            {
                return index;
            }
        }

        throw new ArgumentException($"no link '{name}' (write SITE-SITE, for example {nodes[links[0].A].Id}-{nodes[links[0].B].Id})");
    }
}
