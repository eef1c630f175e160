using System.Globalization;

namespace NetworkTwin.Console.Cli;

/// <summary>Parses <c>--pin CELL=LINK</c> values.</summary>
public static class PinParser
{
    public static Dictionary<int, int> Parse(IEnumerable<string> values)
    {
        var pins = new Dictionary<int, int>();
        foreach (var value in values)
        {
            var parts = value.Split('=');
            if (parts.Length != 2
                || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var cell)
                || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var link))
            {
                throw new CliUsageException($"--pin '{value}': expected CELL=LINK with whole numbers, e.g. --pin 1=2.");
            }

            if (pins.TryGetValue(cell, out var existing) && existing != link)
            {
                throw new CliUsageException($"--pin: cell {cell} is pinned to both link {existing} and link {link}.");
            }

            pins[cell] = link;
        }

        return pins;
    }
}
