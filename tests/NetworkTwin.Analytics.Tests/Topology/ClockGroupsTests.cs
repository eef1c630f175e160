using NetworkTwin.Analytics.Signal;
using NetworkTwin.Analytics.Topology;

namespace NetworkTwin.Analytics.Tests.Topology;

public class ClockGroupsTests
{
    /// <summary>Peaks and similarity for cells whose pairs are given as (a, b, lag in slots, r); every other pair has no evidence.</summary>
    private static (CorrelationPeak[,] Peaks, double[,] Similarity) Evidence(int n, params (int A, int B, int Lag, double R)[] pairs)
    {
        var peaks = new CorrelationPeak[n, n];
        var similarity = new double[n, n];
        foreach (var (a, b, lag, r) in pairs)
        {
            peaks[a, b] = new CorrelationPeak(lag, r, 30);
            peaks[b, a] = new CorrelationPeak(-lag, r, 30);
            similarity[a, b] = similarity[b, a] = r;
        }

        return (peaks, similarity);
    }

    [Fact]
    public void Find_CellsLinedUpAtLagZero_AreOneGroup_SameLinkOtherClockAndWeakPeaksAreNot()
    {
        // 0 and 1 share a clock, 2 and 3 another; 0 and 2 share the link 100 ms apart; 1 and 3 line up only weakly.
        var (peaks, similarity) = Evidence(5, (0, 1, 0, 0.8), (2, 3, 1, 0.7), (0, 2, 200, 0.6), (1, 3, 0, 0.05));

        var groups = ClockGroups.Find(peaks, [0, 1, 2, 3, 4], similarity, minCorrelation: 0.15);

        Assert.Equal([[0, 1], [2, 3], [4]], groups);
    }

    [Fact]
    public void Cluster_FromUnits_NeverSplitsAUnitEvenWhenMoreClustersAreAsked()
    {
        // Cell 1 lines up best with cell 2, but it shares its radio unit with cell 0.
        var similarity = new double[,]
        {
            { 0, 0.5, 0.1, 0.1 },
            { 0.5, 0, 0.9, 0.1 },
            { 0.1, 0.9, 0, 0.6 },
            { 0.1, 0.1, 0.6, 0 },
        };

        var cells = LinkClustering.Cluster(similarity, new Dictionary<int, int>(), 3, 0.15);
        var units = LinkClustering.Cluster(similarity, new Dictionary<int, int>(), 3, 0.15, [[0, 1], [2, 3]]);

        Assert.Contains(cells.Clusters, c => c.SequenceEqual([1, 2]));
        Assert.Equal([[0, 1], [2, 3]], units.Clusters.OrderBy(c => c[0]));
    }

    [Fact]
    public void Cluster_UnitPinnedToTwoLinks_TheOperatorsPinsWin_UnpinnedCellsStayWithTheFirstPart()
    {
        var similarity = new double[3, 3];

        var result = LinkClustering.Cluster(similarity, new Dictionary<int, int> { [0] = 1, [2] = 2 }, null, 0.15, [[0, 1, 2]]);

        Assert.Equal(2, result.Clusters.Count);
        Assert.Equal([0, 1], result.Clusters[result.PinnedLink.IndexOf(1)]);
        Assert.Equal([2], result.Clusters[result.PinnedLink.IndexOf(2)]);
    }
}
