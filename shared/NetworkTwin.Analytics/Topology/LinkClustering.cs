namespace NetworkTwin.Analytics.Topology;

/// <summary>
/// Groups cells into links by average-linkage agglomerative clustering of a similarity matrix
/// (lag-aligned loss correlation), with pins as constraints: a pinned cell lands on its link and
/// cells pinned to different links are never merged. Clustering may start from units instead of single
/// cells (the cells of one radio unit, <see cref="ClockGroups"/>): a unit is never split, so a declared
/// link count above what the units allow leaves fewer links rather than a radio unit cut in two.
/// </summary>
public static class LinkClustering
{
    /// <param name="similarity">Symmetric, 0..1, diagonal ignored.</param>
    /// <param name="pins">Cell index to link id (1-based link ids).</param>
    /// <param name="targetClusters">Stop at this many clusters; null: stop when the best merge is below <paramref name="minSimilarity"/>.</param>
    /// <param name="minSimilarity">Weakest average similarity that still counts as one link.</param>
    /// <param name="units">Groups of cell indices that start as one cluster each (every other cell, and a group of one, starts alone); null: every cell alone.
    /// Cells of one unit pinned to different links are the one reason a unit is split: the operator's pin wins.</param>
    /// <returns>Clusters as lists of cell indices, and the similarity of each merge made.</returns>
    public static ClusteringResult Cluster(double[,] similarity, IReadOnlyDictionary<int, int> pins, int? targetClusters, double minSimilarity, IReadOnlyList<IReadOnlyList<int>>? units = null)
    {
        var n = similarity.GetLength(0);
        var (clusters, pinned) = Start(n, pins, units);
        var merges = new List<double>();
        while (clusters.Count > 1 && (targetClusters is null || clusters.Count > targetClusters))
        {
            var (bestA, bestB, bestSim) = (-1, -1, double.NegativeInfinity);
            for (var a = 0; a < clusters.Count; a++)
            {
                for (var b = a + 1; b < clusters.Count; b++)
                {
                    if (pinned[a] is { } la && pinned[b] is { } lb && la != lb)
                    {
                        continue;
                    }

                    var s = Average(similarity, clusters[a], clusters[b]);
                    if (s > bestSim)
                    {
                        (bestA, bestB, bestSim) = (a, b, s);
                    }
                }
            }

            if (bestA < 0 || (targetClusters is null && bestSim < minSimilarity))
            {
                break;
            }

            clusters[bestA].AddRange(clusters[bestB]);
            pinned[bestA] ??= pinned[bestB];
            clusters.RemoveAt(bestB);
            pinned.RemoveAt(bestB);
            merges.Add(bestSim);
        }

        foreach (var c in clusters)
        {
            c.Sort();
        }

        return new ClusteringResult(clusters, pinned, merges);
    }

    /// <summary>The starting clusters: each unit (split by conflicting pins only), then every cell in no unit alone.</summary>
    private static (List<List<int>> Clusters, List<int?> Pinned) Start(int n, IReadOnlyDictionary<int, int> pins, IReadOnlyList<IReadOnlyList<int>>? units)
    {
        var clusters = new List<List<int>>();
        var pinned = new List<int?>();
        var placed = new bool[n];
        foreach (var unit in (units ?? []).Where(u => u.Count > 1))
        {
            var members = unit.Where(i => i >= 0 && i < n && !placed[i]).Distinct().ToList();
            var byPin = members.Where(pins.ContainsKey).GroupBy(i => pins[i]).ToList();
            var free = members.Where(i => !pins.ContainsKey(i)).ToList();
            foreach (var part in byPin)
            {
                clusters.Add([.. part]);
                pinned.Add(part.Key);
            }

            // The unit's unpinned cells share its radio unit: they go with its (first) pinned part, or form the unit alone.
            if (byPin.Count > 0)
            {
                clusters[^byPin.Count].AddRange(free);
            }
            else if (free.Count > 0)
            {
                clusters.Add(free);
                pinned.Add(null);
            }

            foreach (var i in members)
            {
                placed[i] = true;
            }
        }

        for (var i = 0; i < n; i++)
        {
            if (!placed[i])
            {
                clusters.Add([i]);
                pinned.Add(pins.TryGetValue(i, out var l) ? l : null);
            }
        }

        return (clusters, pinned);
    }

    /// <summary>Mean similarity between the members of two groups.</summary>
    public static double Average(double[,] similarity, IReadOnlyList<int> a, IReadOnlyList<int> b) =>
        Average(similarity, SpanOf(a), SpanOf(b));

    /// <summary>
    /// The members as a span, without a copy for the lists and arrays the callers pass: clustering averages every pair of
    /// clusters at every merge, and a foreach over the interface boxed an enumerator for each group and each member of the
    /// first (about 5 MB a window analysis at 200 cells).
    /// </summary>
    private static ReadOnlySpan<int> SpanOf(IReadOnlyList<int> members) => members switch
    {
        int[] array => array,
        List<int> list => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(list),
        _ => members.ToArray(),
    };

    private static double Average(double[,] similarity, ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        var sum = 0.0;
        var count = 0;
        foreach (var i in a)
        {
            foreach (var j in b)
            {
                if (i != j)
                {
                    sum += similarity[i, j];
                    count++;
                }
            }
        }

        return count == 0 ? 0 : sum / count;
    }
}
