namespace NetworkTwin.Analytics.Topology;

/// <summary>
/// What the loss evidence says about one link: its clock groups, the mean loss correlation among its cells, and the
/// closest other link with the mean correlation between them (the lower that is beside the first, the clearer apart).
/// </summary>
/// <param name="ClockGroups">Rows of the similarity matrix, one list per clock group on the link.</param>
/// <param name="MeanCorrelation">Null with fewer than two cells of evidence.</param>
/// <param name="NextLink">The closest other link's id; null when there is none.</param>
public sealed record LinkSeparation(List<List<int>> ClockGroups, double? MeanCorrelation, int? NextLink, double? NextLinkCorrelation)
{
    /// <summary>
    /// Each link's separation, for the batch and live analysis and the coordinator's cross-agent map alike.
    /// Correlations are rounded to 3 places; ties between closest links go to the lower id.
    /// </summary>
    /// <param name="links">Per link: its id and its cells as rows of <paramref name="similarity"/>.</param>
    /// <param name="groups">The clock groups (<see cref="Topology.ClockGroups.Find"/>).</param>
    public static Dictionary<int, LinkSeparation> Describe(IReadOnlyList<(int Id, List<int> Rows)> links, List<List<int>> groups, double[,] similarity)
    {
        ArgumentNullException.ThrowIfNull(links);
        ArgumentNullException.ThrowIfNull(groups);
        var result = new Dictionary<int, LinkSeparation>();
        foreach (var (id, rows) in links)
        {
            var clockGroups = groups.Where(g => g.Any(rows.Contains)).Select(g => g.Where(rows.Contains).ToList()).ToList();
            double? within = rows.Count > 1 ? Math.Round(LinkClustering.Average(similarity, rows, rows), 3) : null;
            var next = links.Where(o => o.Id != id && o.Rows.Count > 0 && rows.Count > 0)
                .Select(o => (o.Id, Mean: LinkClustering.Average(similarity, rows, o.Rows)))
                .OrderByDescending(o => o.Mean).ThenBy(o => o.Id).Select(o => ((int, double)?)o).FirstOrDefault();
            result[id] = new LinkSeparation(clockGroups, within, next?.Item1, next is { } n ? Math.Round(n.Item2, 3) : null);
        }

        return result;
    }
}
