using System.Text.RegularExpressions;

namespace NetworkTwin.Telemetry.Files;

/// <summary>One recognised telemetry file.</summary>
public sealed partial record FronthaulFile(string Path, FronthaulFileKind Kind, int CellId, long Bytes)
{
    /// <summary>Recognises a file by name; null for anything else.</summary>
    public static FronthaulFile? TryRecognise(FileInfo file)
    {
        var name = file.Name;
        var match = CellFileName().Match(name);
        if (match.Success && int.TryParse(match.Groups[2].ValueSpan, out var cell))
        {
            var kind = match.Groups[1].Value.Equals("throughput", StringComparison.OrdinalIgnoreCase) ? FronthaulFileKind.Throughput : FronthaulFileKind.PacketStats;
            return new FronthaulFile(file.FullName, kind, cell, file.Length);
        }

        if (name.StartsWith("throughput", StringComparison.OrdinalIgnoreCase) && name.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
        {
            return new FronthaulFile(file.FullName, FronthaulFileKind.SlotTable, -1, file.Length);
        }

        return null;
    }

    [GeneratedRegex(@"^(throughput|pkt-stats)-cell-(\d{1,6})\.dat$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CellFileName();
}
