namespace NetworkTwin.Analytics.Topology;

/// <summary>
/// Groups cells into links by average-linkage agglomerative clustering of a similarity matrix
/// (lag-aligned loss correlation), with pins as constraints: a pinned cell lands on its link and
/// cells pinned to different links are never merged.
/// </summary>
public static class LinkClustering
{
    /// <param name="similarity">Symmetric, 0..1, diagonal ignored.</param>
    /// <param name="pins">Cell index to link id (1-based link ids).</param>
    /// <param name="targetClusters">Stop at this many clusters; null: stop when the best merge is below <paramref name="minSimilarity"/>.</param>
    /// <param name="minSimilarity">Weakest average similarity that still counts as one link.</param>
    /// <returns>Clusters as lists of cell indices, and the similarity of each merge made.</returns>
    public static ClusteringResult Cluster(double[,] similarity, IReadOnlyDictionary<int, int> pins, int? targetClusters, double minSimilarity)
    {
        var n = similarity.GetLength(0);
        var clusters = Enumerable.Range(0, n).Select(i => new List<int> { i }).ToList();
        var pinned = Enumerable.Range(0, n).Select(i => pins.TryGetValue(i, out var l) ? l : (int?)null).ToList();
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

    /// <summary>Mean similarity between the members of two groups.</summary>
    public static double Average(double[,] similarity, IReadOnlyList<int> a, IReadOnlyList<int> b)
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
