using System.Globalization;
using NetworkTwin.Analytics.Alignment;
using NetworkTwin.Analytics.Signal;
using NetworkTwin.Analytics.Topology;

namespace NetworkTwin.Analytics.Fronthaul;

public static partial class FronthaulAnalyzer
{
    /// <summary>Longest span the RU clocks of one capture may cover together.</summary>
    private const double MaxCaptureSpanSeconds = 3600;

    private sealed record Placement(int? Link, double Confidence, string Evidence);

    /// <summary>What the loss evidence says about one link: its clock groups (cell ids) and how far it stands from the next link.</summary>
    private sealed record LinkEvidence(int[][] ClockGroups, double? MeanCorrelation, int? NextLink, double? NextLinkCorrelation);

    private sealed record DiscoveryResult(
        Dictionary<int, Placement> Placements,
        SortedDictionary<int, List<int>> LinkMembers,
        Dictionary<int, LinkEvidence> LinkEvidence,
        int[] EvidenceCells,
        CorrelationPeak[,] Peaks,
        double OriginSeconds,
        int GridLength,
        DiscoveryReport Report);

    private static DiscoveryResult Discover(FronthaulDataset dataset, int[] cellIds, FronthaulOptions options, List<string> warnings)
    {
        var stats = dataset.PacketStats.OrderBy(p => p.CellId).ToArray();
        var (origin, gridLength) = RuGrid(stats);
        var loss = stats.Select(s => SlotBinning.LossSlots(s, origin, gridLength)).ToArray();
        var (peaks, evidence, similarity) = LossEvidence.Correlate(loss, gridLength, options.MaxClockOffsetSeconds, options.MinPeakZ, options.ParallelOptions);

        var pins = new Dictionary<int, int>();
        for (var a = 0; a < evidence.Length; a++)
        {
            if (options.Pins.TryGetValue(stats[evidence[a]].CellId, out var link))
            {
                pins[a] = link;
            }
        }

        // Cells of one RU clock are one radio unit on one port: clustered and split as a whole.
        var groups = ClockGroups.Find(peaks, evidence, similarity, options.MinLinkCorrelation);
        var natural = LinkClustering.Cluster(similarity, pins, null, options.MinLinkCorrelation, groups);
        var supported = natural.Clusters.Count;
        var target = options.DeclaredLinks is { } declared ? Math.Max(1, declared - CountEmptyPinnedLinks(options, stats, loss)) : (int?)null;
        var final = target is { } t ? LinkClustering.Cluster(similarity, pins, t, options.MinLinkCorrelation, groups) : natural;

        var linkMembers = AssignLinkIds(final, options, evidence, stats);
        var placements = Place(cellIds, stats, evidence, similarity, peaks, linkMembers, options);
        var linkEvidence = DescribeLinks(linkMembers, groups, evidence, stats, similarity);
        var withoutEvidence = cellIds.Length - evidence.Length;
        var statement = Statement(options.DeclaredLinks, supported, linkMembers.Count, withoutEvidence, options.MinLinkCorrelation);
        if (target is { } wanted && final.Clusters.Count < wanted)
        {
            statement += $" The {groups.Count} clock group(s) with loss evidence (cells that share an RU clock, kept on one link) allow only {final.Clusters.Count} link(s) with loss evidence, not {wanted}: no radio unit is cut in two to reach the declared count.";
        }
        if (options.DeclaredLinks is { } n && n != supported)
        {
            warnings.Add(statement);
        }

        var report = new DiscoveryReport(options.DeclaredLinks, supported, withoutEvidence, options.MinLinkCorrelation, statement);
        return new DiscoveryResult(placements, linkMembers, linkEvidence, [.. evidence.Select(i => stats[i].CellId)], peaks, origin, gridLength, report);
    }

    private static bool IsEvidence(CorrelationPeak p, FronthaulOptions options) => LossEvidence.IsEvidence(p, options.MinPeakZ);

    /// <summary>A common slot grid for all RU clocks: from the earliest RU time to the latest.</summary>
    private static (double Origin, int Length) RuGrid(PacketStatsSeries[] stats)
    {
        var withRows = stats.Where(s => s.Count > 0).Select(s => (s.CellId, Range: s.TimeRange()!.Value)).ToArray();
        if (withRows.Length == 0)
        {
            return (0, 1);
        }

        var first = withRows.Min(s => s.Range.First);
        var last = withRows.Max(s => s.Range.Last);
        if (last - first > MaxCaptureSpanSeconds)
        {
            var late = withRows.MaxBy(s => s.Range.Last);
            throw new InvalidDataException(
                $"pkt-stats of cell {late.CellId} reach {last:0.###} s while others start at {first:0.###} s: " +
                $"one capture may span at most {MaxCaptureSpanSeconds:0} s. Are these files from the same capture?");
        }

        return (Math.Floor(first / SlotBinning.SlotSeconds) * SlotBinning.SlotSeconds, SlotBinning.SlotOf(last, first) + 2);
    }

    /// <summary>Declared links that only pinned cells without loss evidence can occupy.</summary>
    private static int CountEmptyPinnedLinks(FronthaulOptions options, PacketStatsSeries[] stats, int[][] loss)
    {
        var withEvidence = new HashSet<int>();
        var withoutEvidence = new HashSet<int>();
        for (var i = 0; i < stats.Length; i++)
        {
            if (options.Pins.TryGetValue(stats[i].CellId, out var link))
            {
                (loss[i].Length > 0 ? withEvidence : withoutEvidence).Add(link);
            }
        }

        withoutEvidence.ExceptWith(withEvidence);
        return withoutEvidence.Count;
    }

    /// <summary>Pinned clusters take their pinned link id; the others take free ids in order of their lowest cell.</summary>
    private static SortedDictionary<int, List<int>> AssignLinkIds(ClusteringResult result, FronthaulOptions options, int[] evidence, PacketStatsSeries[] stats)
    {
        var links = new SortedDictionary<int, List<int>>();
        var order = result.Clusters.Select((c, i) => (Cells: c.Select(a => stats[evidence[a]].CellId).Order().ToList(), Pin: result.PinnedLink[i]))
            .OrderBy(c => c.Cells[0]).ToList();
        foreach (var (cells, pin) in order.Where(c => c.Pin is not null))
        {
            links[pin!.Value] = cells;
        }

        foreach (var (cellId, link) in options.Pins)
        {
            if (!links.ContainsKey(link) && stats.Any(s => s.CellId == cellId))
            {
                links[link] = [];
            }
        }

        var next = 1;
        foreach (var (cells, _) in order.Where(c => c.Pin is null))
        {
            while (links.ContainsKey(next))
            {
                next++;
            }

            links[next] = cells;
        }

        return links;
    }

    private static Dictionary<int, Placement> Place(
        int[] cellIds,
        PacketStatsSeries[] stats,
        int[] evidence,
        double[,] similarity,
        CorrelationPeak[,] peaks,
        SortedDictionary<int, List<int>> links,
        FronthaulOptions options)
    {
        var placements = new Dictionary<int, Placement>();
        var indexOfCell = evidence.Select((statIndex, a) => (stats[statIndex].CellId, a)).ToDictionary(x => x.CellId, x => x.a);
        var linkOfCell = links.SelectMany(l => l.Value.Select(c => (Cell: c, Link: l.Key))).ToDictionary(x => x.Cell, x => x.Link);
        foreach (var id in cellIds)
        {
            if (!indexOfCell.TryGetValue(id, out var a))
            {
                var pinned = options.Pins.TryGetValue(id, out var pin) ? pin : (int?)null;
                if (pinned is { } p && links.TryGetValue(p, out var members) && !members.Contains(id))
                {
                    members.Add(id);
                    members.Sort();
                }

                var why = stats.Any(s => s.CellId == id)
                    ? "no packet loss in the capture, so loss correlation cannot place this cell"
                    : "no pkt-stats file for this cell";
                placements[id] = new Placement(pinned, 0, pinned is null ? why : $"pinned by the operator; {why}");
                continue;
            }

            var own = linkOfCell[id];
            var ownMembers = links[own].Where(c => c != id && indexOfCell.ContainsKey(c)).Select(c => indexOfCell[c]).ToList();
            var ownMean = LinkClustering.Average(similarity, [a], ownMembers);
            var otherLink = 0;
            var otherMean = 0.0;
            foreach (var (link, cells) in links.Where(l => l.Key != own))
            {
                var mean = LinkClustering.Average(similarity, [a], [.. cells.Where(indexOfCell.ContainsKey).Select(c => indexOfCell[c])]);
                if (otherLink == 0 || mean > otherMean)
                {
                    (otherLink, otherMean) = (link, mean);
                }
            }

            var confidence = ownMembers.Count == 0
                ? Math.Clamp(1 - (otherMean / options.MinLinkCorrelation), 0, 1)
                : ownMean + otherMean > 0 ? ownMean / (ownMean + otherMean) : 0;

            var text = string.Create(CultureInfo.InvariantCulture, $"mean r {ownMean:0.00} with link {own}");
            if (otherLink != 0)
            {
                text += string.Create(CultureInfo.InvariantCulture, $", {otherMean:0.00} with link {otherLink}");
            }

            // With one cell of loss evidence there is no other cell to match.
            var best = evidence.Length > 1 ? Enumerable.Range(0, evidence.Length).Where(b => b != a).MaxBy(b => similarity[a, b]) : -1;
            if (best >= 0 && similarity[a, best] > 0)
            {
                var bestPeak = peaks[evidence[a], evidence[best]];
                text += string.Create(
                    CultureInfo.InvariantCulture,
                    $"; best match cell {stats[evidence[best]].CellId} (r {bestPeak.Correlation:0.00}, z {bestPeak.ZScore:0}, lag {bestPeak.Lag * SlotBinning.SlotSeconds * 1000:0.0} ms)");
            }

            if (options.Pins.ContainsKey(id))
            {
                text = "pinned by the operator; " + text;
            }

            placements[id] = new Placement(own, confidence, text);
        }

        return placements;
    }

    /// <summary>Each link's clock groups (cell ids), the mean loss correlation among its cells, and the closest other link with its mean.</summary>
    private static Dictionary<int, LinkEvidence> DescribeLinks(SortedDictionary<int, List<int>> links, List<List<int>> groups, int[] evidence, PacketStatsSeries[] stats, double[,] similarity)
    {
        var indexOfCell = evidence.Select((statIndex, a) => (stats[statIndex].CellId, a)).ToDictionary(x => x.CellId, x => x.a);
        var rows = links.Select(l => (l.Key, l.Value.Where(indexOfCell.ContainsKey).Select(c => indexOfCell[c]).ToList())).ToList();
        return LinkSeparation.Describe(rows, groups, similarity).ToDictionary(
            l => l.Key,
            l => new LinkEvidence(
                [.. l.Value.ClockGroups.Select(g => g.Select(a => stats[evidence[a]].CellId).Order().ToArray())],
                l.Value.MeanCorrelation,
                l.Value.NextLink,
                l.Value.NextLinkCorrelation));
    }

    private static string Statement(int? declared, int supported, int placedLinks, int withoutEvidence, double minCorrelation)
    {
        var basis = string.Create(CultureInfo.InvariantCulture, $"groups whose loss patterns line up with mean r >= {minCorrelation:0.00}");
        var text = declared switch
        {
            null => $"Loss correlation supports {supported} link(s) ({basis}); {placedLinks} reported.",
            { } d when d == supported => $"Loss correlation supports {supported} link(s) ({basis}), as declared.",
            { } d when d > supported =>
                $"The data supports {supported} link(s) ({basis}), not the {d} declared: to honour the declared count the least coherent group(s) " +
                "were split between their clock groups (a radio unit is never cut), and the cells of the split links have low confidence. " +
                "A link whose cells never congest leaves no loss evidence.",
            { } d => $"The data supports {supported} link(s) ({basis}), more than the {d} declared: groups with unrelated loss patterns were merged.",
        };
        if (withoutEvidence > 0)
        {
            text += $" {withoutEvidence} cell(s) lost no packets and cannot be placed from loss.";
        }

        return text;
    }
}
