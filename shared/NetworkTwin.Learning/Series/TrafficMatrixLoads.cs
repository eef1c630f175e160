using System.Globalization;
using NetworkTwin.Analytics.Graphs;
using NetworkTwin.Analytics.Graphs.Formats;

namespace NetworkTwin.Learning.Series;

/// <summary>
/// Link loads from a series of traffic matrices: each matrix routed on hop-count shortest paths (equal
/// split over equal-cost next hops) over the network, giving one load series per link direction.
/// Reads the CSV layout of ../shared/data/traffic: <c>timestamp_utc,SRC-&gt;DST,...</c>, one row per matrix.
/// </summary>
public static class TrafficMatrixLoads
{
    public static IReadOnlyList<LoadSeries> Route(Network network, TextReader csv, string source)
    {
        var matrices = TrafficMatrixCsv.Read(network, csv, source);
        var graph = new CsrGraph(network);
        var values = new double[2 * network.LinkCount];
        var loads = new List<double[]>(matrices.Rows.Count);
        for (var row = 0; row < matrices.Rows.Count; row++)
        {
            // The router's unit is whatever the demands carry: Mbit/s here.
            new EcmpRouter(graph, matrices.Demands(row)).Route([], [], values);
            loads.Add((double[])values.Clone());
        }

        var times = matrices.Times;
        var step = matrices.StepSeconds;
        var series = new List<LoadSeries>();
        for (var l = 0; l < network.LinkCount; l++)
        {
            var link = network.Links[l];
            for (var direction = 0; direction < 2; direction++)
            {
                var (from, to) = direction == 0 ? (link.A, link.B) : (link.B, link.A);
                var name = $"{network.Nodes[from].Id}->{network.Nodes[to].Id}";
                var column = (2 * l) + direction;
                series.Add(new LoadSeries(name, times[0], step, [.. loads.Select(v => v[column])]));
            }
        }

        return series;
    }

}
