using System.Globalization;

namespace NetworkTwin.Analytics.Graphs.Formats;

/// <summary>
/// A series of traffic matrices in the CSV layout of ../shared/data/traffic: <c>timestamp_utc,SRC-&gt;DST,...</c>,
/// one row per matrix, evenly spaced. Values keep the file's unit (Mbit/s for Abilene).
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

        var times = new List<DateTimeOffset>();
        var rows = new List<double[]>();
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

            var row = new double[pairs.Length];
            for (var c = 1; c < fields.Length; c++)
            {
                if (!double.TryParse(fields[c], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value) || value < 0)
                {
                    throw new FormatException($"{source} line {lineNumber} column {c + 1} ({columns[c]}): '{Truncate(fields[c])}' is not a non-negative rate");
                }

                row[c - 1] = value;
            }

            times.Add(time);
            rows.Add(row);
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

        return new TrafficMatrixCsv(times, pairs, rows);
    }

    /// <summary>One matrix as demands, scaled (for example 1e-3 from Mbit/s to Gbit/s).</summary>
    public List<Demand> Demands(int row, double scale = 1) => [.. Pairs.Select((p, c) => new Demand(p.Source, p.Target, Rows[row][c] * scale))];

    private static string Truncate(string s) => s.Length > 40 ? s[..40] + "..." : s;
}
