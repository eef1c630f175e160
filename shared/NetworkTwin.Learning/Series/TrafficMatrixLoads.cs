using System.Globalization;
using NetworkTwin.Analytics.Graphs;

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
        var header = csv.ReadLine() ?? throw new FormatException($"{source}: empty file");
        var columns = header.Split(',');
        if (columns.Length < 2 || columns[0] != "timestamp_utc")
        {
            throw new FormatException($"{source} line 1: expected 'timestamp_utc,SRC->DST,...', got '{Truncate(header)}'");
        }

        var index = network.Nodes.Select((n, i) => (n.Id, i)).ToDictionary(p => p.Id, p => p.i, StringComparer.Ordinal);
        var pairs = new (int Source, int Target)[columns.Length - 1];
        for (var c = 1; c < columns.Length; c++)
        {
            var ends = columns[c].Split("->");
            if (ends.Length != 2 || !index.TryGetValue(ends[0], out var s) || !index.TryGetValue(ends[1], out var t))
            {
                throw new FormatException($"{source} line 1 column {c + 1}: '{columns[c]}' is not SRC->DST with both nodes in network {network.Name}");
            }

            pairs[c - 1] = (s, t);
        }

        var graph = new CsrGraph(network);
        var loads = new List<double[]>();
        var times = new List<DateTimeOffset>();
        var values = new double[2 * network.LinkCount];
        string? line;
        var lineNumber = 1;
        while ((line = csv.ReadLine()) is not null)
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            var fields = line.Split(',');
            if (fields.Length != columns.Length)
            {
                throw new FormatException($"{source} line {lineNumber}: {fields.Length} fields, the header has {columns.Length}");
            }

            if (!DateTimeOffset.TryParse(fields[0], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
            {
                throw new FormatException($"{source} line {lineNumber}: '{Truncate(fields[0])}' is not a timestamp");
            }

            var demands = new List<Demand>(pairs.Length);
            for (var c = 1; c < fields.Length; c++)
            {
                if (!double.TryParse(fields[c], NumberStyles.Float, CultureInfo.InvariantCulture, out var mbps) || !double.IsFinite(mbps) || mbps < 0)
                {
                    throw new FormatException($"{source} line {lineNumber} column {c + 1} ({columns[c]}): '{Truncate(fields[c])}' is not a non-negative rate");
                }

                demands.Add(new Demand(pairs[c - 1].Source, pairs[c - 1].Target, mbps));
            }

            // The router's unit is whatever the demands carry: Mbit/s here.
            new EcmpRouter(graph, demands).Route([], [], values);
            loads.Add((double[])values.Clone());
            times.Add(time);
        }

        if (times.Count < 2)
        {
            throw new FormatException($"{source}: fewer than two matrices");
        }

        var step = (times[1] - times[0]).TotalSeconds;
        for (var i = 1; i < times.Count; i++)
        {
            if (Math.Abs((times[i] - times[i - 1]).TotalSeconds - step) > 1e-6)
            {
                throw new FormatException($"{source} line {i + 2}: matrices must be evenly spaced ({step} s), found a gap of {(times[i] - times[i - 1]).TotalSeconds} s");
            }
        }

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

    private static string Truncate(string s) => s.Length > 40 ? s[..40] + "..." : s;
}
