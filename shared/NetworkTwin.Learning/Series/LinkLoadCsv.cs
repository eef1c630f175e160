using System.Globalization;

namespace NetworkTwin.Learning.Series;

/// <summary>
/// Link loads from a CSV with one column per link: <c>timestamp_utc,LINK,...</c> (the first column may
/// also be called <c>timestamp</c> or <c>time</c>; ISO 8601 or Unix seconds), one row per step, evenly
/// spaced; the step is read from the timestamps. Values are non-negative rates in any one unit. This is
/// the layout <c>networktwin lab forecast abilene --loads</c> writes.
/// </summary>
public static class LinkLoadCsv
{
    /// <summary>Most links one file may hold.</summary>
    public const int MaxLinks = 100_000;

    /// <summary>Reads every row; errors name the source, line and column.</summary>
    public static IReadOnlyList<LoadSeries> Read(TextReader csv, string source)
    {
        ArgumentNullException.ThrowIfNull(csv);
        var header = csv.ReadLine() ?? throw new FormatException($"{source}: empty file");
        var columns = header.TrimStart('\uFEFF').Split(',').Select(c => c.Trim()).ToArray();
        if (columns.Length < 2 || columns[0].ToLowerInvariant() is not ("timestamp_utc" or "timestamp" or "time"))
        {
            throw new FormatException($"{source} line 1: expected 'timestamp_utc,LINK,...' (one column per link), got '{Truncate(header)}'");
        }

        if (columns.Length - 1 > MaxLinks)
        {
            throw new FormatException($"{source} line 1: {columns.Length - 1} links, at most {MaxLinks}");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var c = 1; c < columns.Length; c++)
        {
            if (columns[c].Length == 0)
            {
                throw new FormatException($"{source} line 1 column {c + 1}: a link column needs a name");
            }

            if (!seen.Add(columns[c]))
            {
                throw new FormatException($"{source} line 1 column {c + 1}: link '{Truncate(columns[c])}' appears twice");
            }
        }

        var times = new List<DateTimeOffset>();
        var values = Enumerable.Range(1, columns.Length - 1).Select(_ => new List<double>()).ToArray();
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
            if (fields.Length != columns.Length)
            {
                throw new FormatException($"{source} line {lineNumber}: {fields.Length} fields, the header has {columns.Length}");
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
                        throw new FormatException($"{source} line {lineNumber}: time {fields[0].Trim()} is not after the previous row's; rows must go forward in time");
                    }
                }
                else if (Math.Abs(gap - step) > 1e-3 * step)
                {
                    throw new FormatException($"{source} line {lineNumber}: rows must be evenly spaced ({step:0.###} s from the first two), found {gap:0.###} s; fill or resample the gap first");
                }
            }

            for (var c = 1; c < fields.Length; c++)
            {
                if (!double.TryParse(fields[c], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value) || value < 0)
                {
                    throw new FormatException($"{source} line {lineNumber} column {c + 1} ({Truncate(columns[c])}): '{Truncate(fields[c])}' is not a non-negative rate");
                }

                values[c - 1].Add(value);
            }

            times.Add(time);
        }

        if (times.Count < 2)
        {
            throw new FormatException($"{source}: {times.Count} row(s) of loads; the step is read from the timestamps, so at least two are needed");
        }

        return [.. values.Select((v, i) => new LoadSeries(columns[i + 1], times[0], step, [.. v]))];
    }

    private static DateTimeOffset Time(string field, string source, int line)
    {
        var text = field.Trim();
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var unix) && double.IsFinite(unix) && Math.Abs(unix) < 1e11)
        {
            return DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(unix * 1000));
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return time;
        }

        throw new FormatException($"{source} line {line}: '{Truncate(text)}' is not a timestamp (ISO 8601 or Unix seconds)");
    }

    private static string Truncate(string s) => s.Length > 40 ? s[..40] + "..." : s;
}
