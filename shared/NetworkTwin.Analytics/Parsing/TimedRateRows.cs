using System.Globalization;

namespace NetworkTwin.Analytics.Parsing;

/// <summary>
/// The body of a CSV of rates over time, after its header: <c>&lt;time&gt;,&lt;rate&gt;,...</c> per row, the time as
/// ISO 8601 (UTC unless it says otherwise) or Unix seconds, rows evenly spaced and going forward (the step is
/// read from the first two), rates non-negative and finite. Shared by the traffic-matrix and link-load readers;
/// every error names the source, line and column.
/// </summary>
public static class TimedRateRows
{
    public sealed record Body(IReadOnlyList<DateTimeOffset> Times, IReadOnlyList<double[]> Rows, double StepSeconds);

    /// <summary>Reads every row after the header; <paramref name="columns"/> is the header, the time column first.</summary>
    public static Body Read(TextReader csv, string source, IReadOnlyList<string> columns)
    {
        ArgumentNullException.ThrowIfNull(csv);
        ArgumentNullException.ThrowIfNull(columns);
        var times = new List<DateTimeOffset>();
        var rows = new List<double[]>();
        string? line;
        var lineNumber = 1;
        double step = 0;
        while ((line = csv.ReadLine()) is not null)
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            var fields = line.Split(',');
            if (fields.Length != columns.Count)
            {
                throw new FormatException($"{source} line {lineNumber}: {fields.Length} fields, the header has {columns.Count}");
            }

            var time = Time(fields[0], source, lineNumber);
            if (times.Count > 0)
            {
                var gap = (time - times[^1]).TotalSeconds;
                if (times.Count == 1)
                {
                    step = gap;
                    if (!(step > 0))
                    {
                        throw new FormatException($"{source} line {lineNumber}: time {Truncate(fields[0].Trim())} is not after the previous row's; rows must go forward in time");
                    }
                }
                else if (Math.Abs(gap - step) > 1e-3 * step)
                {
                    throw new FormatException($"{source} line {lineNumber}: rows must be evenly spaced ({step:0.###} s from the first two), found {gap:0.###} s; fill or resample the gap first");
                }
            }

            var row = new double[fields.Length - 1];
            for (var c = 1; c < fields.Length; c++)
            {
                if (!double.TryParse(fields[c], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value) || value < 0)
                {
                    throw new FormatException($"{source} line {lineNumber} column {c + 1} ({Truncate(columns[c])}): '{Truncate(fields[c])}' is not a non-negative rate");
                }

                row[c - 1] = value;
            }

            times.Add(time);
            rows.Add(row);
        }

        if (times.Count < 2)
        {
            throw new FormatException($"{source}: {times.Count} row(s); the step is read from the timestamps, so at least two are needed");
        }

        return new Body(times, rows, step);
    }

    public static string Truncate(string s) => s.Length > 40 ? s[..40] + "..." : s;

    private static DateTimeOffset Time(string field, string source, int line)
    {
        var text = field.Trim();
        // Unix seconds from 1970 to year 5138; a negative number is not taken as one (before year 1 it threw).
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var unix) && unix is >= 0 and < 1e11)
        {
            return DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(unix * 1000));
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return time;
        }

        throw new FormatException($"{source} line {line}: '{Truncate(text)}' is not a timestamp (ISO 8601 or Unix seconds)");
    }
}
