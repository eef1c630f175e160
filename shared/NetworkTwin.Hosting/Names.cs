namespace NetworkTwin.Hosting;

/// <summary>The closest of some names to a mistyped one, for "did you mean" hints (configuration keys, CLI commands).</summary>
public static class Names
{
    /// <summary>The name within two edits of <paramref name="typed"/> (case ignored), the nearest first; null when none is that close.</summary>
    public static string? Closest(string typed, IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(typed);
        return names
            .Select(n => (Name: n, Distance: Distance(typed.ToUpperInvariant(), n.ToUpperInvariant())))
            .Where(x => x.Distance <= 2)
            .OrderBy(x => x.Distance)
            .Select(x => x.Name)
            .FirstOrDefault();
    }

    /// <summary>Levenshtein distance: insertions, deletions and substitutions.</summary>
    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }
}
