using NetworkTwin.Analytics.Parsing;

namespace NetworkTwin.Analytics.Graphs.Formats;

/// <summary>
/// A series of traffic matrices in the CSV layout of ../shared/data/traffic: <c>timestamp_utc,SRC-&gt;DST,...</c>,
/// one row per matrix, evenly spaced (the rows as <see cref="TimedRateRows"/> reads them). Values keep the file's unit (Mbit/s for Abilene).
/// </summary>
public sealed record TrafficMatrixCsv(IReadOnlyList<DateTimeOffset> Times, IReadOnlyList<(int Source, int Target)> Pairs, IReadOnlyList<double[]> Rows)
{
    public double StepSeconds => (Times[1] - Times[0]).TotalSeconds;

    /// <summary>Reads every row; errors name the source, line and column.</summary>
    public static TrafficMatrixCsv Read(Network network, TextReader csv, string source)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(csv);
        var header = csv.ReadLine() ?? throw new FormatException($"{source}: empty file");
        var columns = header.Split(',');
        if (columns.Length < 2 || columns[0] != "timestamp_utc")
        {
            throw new FormatException($"{source} line 1: expected 'timestamp_utc,SRC->DST,...', got '{TimedRateRows.Truncate(header)}'");
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

        var body = TimedRateRows.Read(csv, source, columns);
        return new TrafficMatrixCsv(body.Times, pairs, body.Rows);
    }

    /// <summary>One matrix as demands, scaled (for example 1e-3 from Mbit/s to Gbit/s).</summary>
    public List<Demand> Demands(int row, double scale = 1) => [.. Pairs.Select((p, c) => new Demand(p.Source, p.Target, Rows[row][c] * scale))];
}
