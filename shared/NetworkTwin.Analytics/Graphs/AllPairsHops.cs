using System.Numerics;

namespace NetworkTwin.Analytics.Graphs;

/// <summary>
/// Breadth-first search from every node at once (multi-source BFS over bitsets): each node keeps
/// one bit per source, so one pass over the arcs per level advances all searches together.
/// Cost per network state: levels x arcs x (nodes / 64) word operations, no allocation. One
/// instance per thread; <see cref="Baseline"/> is shared read-only.
/// </summary>
public sealed class AllPairsHops
{
    /// <summary>Above this many nodes the per-pair baseline (for stretch) is not kept: n^2 bytes.</summary>
    public const int MaxStretchNodes = 8192;

    private readonly CsrGraph _graph;
    private readonly int _words;
    private readonly ulong[] _visited;
    private ulong[] _frontier;
    private ulong[] _next;
    private readonly bool[] _active;

    /// <summary>Largest network it takes: three n x n bit matrices (150 MB at 20,000 nodes).</summary>
    public const int MaxNodes = 20_000;

    /// <exception cref="InvalidDataException">The network is larger than <see cref="MaxNodes"/>.</exception>
    public AllPairsHops(CsrGraph graph)
    {
        if (graph.NodeCount > MaxNodes)
        {
            throw new InvalidDataException(
                $"{graph.NodeCount:N0} nodes is more than the {MaxNodes:N0} the all-pairs simulation takes (it keeps three n x n bit matrices); split the network by region.");
        }

        _graph = graph;
        _words = (graph.NodeCount + 63) / 64;
        _visited = new ulong[graph.NodeCount * _words];
        _frontier = new ulong[graph.NodeCount * _words];
        _next = new ulong[graph.NodeCount * _words];
        _active = new bool[graph.NodeCount];
    }

    /// <summary>The intact network's distances, for stretch: per pair hops and per level who arrives.</summary>
    public sealed class Baseline
    {
        internal Baseline(byte[] distance, List<ulong[]> levels, HopSummary summary)
        {
            Distance = distance;
            Levels = levels;
            Summary = summary;
        }

        /// <summary>distance[s * n + t], 255 = unreachable or over 254 hops.</summary>
        internal byte[] Distance { get; }

        /// <summary>levels[L - 1][t * words + w]: sources whose distance to t is L.</summary>
        internal List<ulong[]> Levels { get; }

        public HopSummary Summary { get; }
    }

    /// <summary>Distances of the intact network, kept for stretch; null when the network is too large for it.</summary>
    public Baseline? ComputeBaseline()
    {
        var n = _graph.NodeCount;
        if (n > MaxStretchNodes)
        {
            return null;
        }

        var distance = new byte[n * n];
        distance.AsSpan().Fill(255);
        var levels = new List<ulong[]>();
        var summary = Run([], [], null, (level, t, bits) =>
        {
            while (levels.Count < level)
            {
                levels.Add(new ulong[n * _words]);
            }

            bits.CopyTo(levels[level - 1].AsSpan(t * _words, _words));
            for (var w = 0; w < bits.Length; w++)
            {
                var word = bits[w];
                while (word != 0)
                {
                    var s = (w * 64) + BitOperations.TrailingZeroCount(word);
                    distance[(s * n) + t] = (byte)Math.Min(level, 254);
                    word &= word - 1;
                }
            }
        });
        return new Baseline(distance, levels, summary);
    }

    /// <summary>Hop counts with the given links and nodes down (empty spans: nothing down).</summary>
    public HopSummary Run(ReadOnlySpan<bool> linkDown, ReadOnlySpan<bool> nodeDown, Baseline? baseline) => Run(linkDown, nodeDown, baseline, null);

    private delegate void LevelSink(int level, int node, ReadOnlySpan<ulong> arrived);

    private HopSummary Run(ReadOnlySpan<bool> linkDown, ReadOnlySpan<bool> nodeDown, Baseline? baseline, LevelSink? sink)
    {
        var n = _graph.NodeCount;
        var words = _words;
        var start = _graph.Start;
        var neighbour = _graph.Neighbour;
        var linkOf = _graph.LinkOf;
        var anyLinkDown = !linkDown.IsEmpty;
        var anyNodeDown = !nodeDown.IsEmpty;
        Array.Clear(_visited);
        Array.Clear(_frontier);
        for (var s = 0; s < n; s++)
        {
            var up = !anyNodeDown || !nodeDown[s];
            _active[s] = up;
            if (up)
            {
                _visited[(s * words) + (s >> 6)] |= 1UL << (s & 63);
                _frontier[(s * words) + (s >> 6)] |= 1UL << (s & 63);
            }
        }

        long reachable = 0, total = 0, longer = 0, extra = 0;
        int diameter = 0, maxExtra = 0;
        for (var level = 1; ; level++)
        {
            Array.Clear(_next);

            // Push: every node that moved last level passes its new sources to its live neighbours.
            for (var u = 0; u < n; u++)
            {
                if (!_active[u])
                {
                    continue;
                }

                var from = _frontier.AsSpan(u * words, words);
                for (var a = start[u]; a < start[u + 1]; a++)
                {
                    var v = neighbour[a];
                    if ((anyLinkDown && linkDown[linkOf[a]]) || (anyNodeDown && nodeDown[v]))
                    {
                        continue;
                    }

                    Or(_next.AsSpan(v * words, words), from);
                }
            }

            long arrived = 0;
            for (var v = 0; v < n; v++)
            {
                var next = _next.AsSpan(v * words, words);
                var seen = _visited.AsSpan(v * words, words);
                var count = 0;
                for (var w = 0; w < words; w++)
                {
                    var fresh = next[w] & ~seen[w];
                    next[w] = fresh;
                    seen[w] |= fresh;
                    count += BitOperations.PopCount(fresh);
                }

                _active[v] = count > 0;
                if (count == 0)
                {
                    continue;
                }

                arrived += count;
                sink?.Invoke(level, v, next);
                if (baseline is not null)
                {
                    CountLonger(baseline, level, v, next, ref longer, ref extra, ref maxExtra);
                }
            }

            if (arrived == 0)
            {
                break;
            }

            reachable += arrived;
            total += arrived * level;
            diameter = level;
            (_frontier, _next) = (_next, _frontier);
        }

        return new HopSummary(reachable, total, diameter, longer, extra, maxExtra);
    }

    private void CountLonger(Baseline baseline, int level, int v, ReadOnlySpan<ulong> arrived, ref long longer, ref long extra, ref int maxExtra)
    {
        var n = _graph.NodeCount;
        var before = level <= baseline.Levels.Count ? baseline.Levels[level - 1].AsSpan(v * _words, _words) : default;
        for (var w = 0; w < arrived.Length; w++)
        {
            // Arriving now at this level but not in the intact network: the path got longer.
            var changed = arrived[w] & (before.IsEmpty ? ulong.MaxValue : ~before[w]);
            while (changed != 0)
            {
                var s = (w * 64) + BitOperations.TrailingZeroCount(changed);
                changed &= changed - 1;
                var d = baseline.Distance[(s * n) + v];
                if (d == 255)
                {
                    continue;
                }

                var more = level - d;
                longer++;
                extra += more;
                maxExtra = Math.Max(maxExtra, more);
            }
        }
    }

    private static void Or(Span<ulong> into, ReadOnlySpan<ulong> from)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated && into.Length >= Vector<ulong>.Count)
        {
            var vInto = System.Runtime.InteropServices.MemoryMarshal.Cast<ulong, Vector<ulong>>(into);
            var vFrom = System.Runtime.InteropServices.MemoryMarshal.Cast<ulong, Vector<ulong>>(from);
            for (var k = 0; k < vInto.Length; k++)
            {
                vInto[k] |= vFrom[k];
            }

            i = vInto.Length * Vector<ulong>.Count;
        }

        for (; i < into.Length; i++)
        {
            into[i] |= from[i];
        }
    }
}
