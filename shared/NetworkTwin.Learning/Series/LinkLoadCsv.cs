using NetworkTwin.Analytics.Parsing;

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
            throw new FormatException($"{source} line 1: expected 'timestamp_utc,LINK,...' (one column per link), got '{TimedRateRows.Truncate(header)}'");
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
                throw new FormatException($"{source} line 1 column {c + 1}: link '{TimedRateRows.Truncate(columns[c])}' appears twice");
            }
        }

        var body = TimedRateRows.Read(csv, source, columns);
        return [.. columns.Skip(1).Select((name, i) => new LoadSeries(name, body.Times[0], body.StepSeconds, [.. body.Rows.Select(r => r[i])]))];
    }
}
