using System.Globalization;

namespace NetworkTwin.Contracts.Telemetry;

/// <summary>
/// The topic scheme: <c>nt/&lt;site&gt;/&lt;cell&gt;/&lt;kind&gt;</c>, for example
/// <c>nt/paris-15/7/throughput</c> or <c>nt/paris-15/7/pkt-stats</c>. Site ids are 1..64 of
/// [A-Za-z0-9_.-]; cell ids are 0..65535. An agent subscribes to <c>nt/&lt;site&gt;/+/+</c>.
/// </summary>
public readonly record struct TelemetryTopic(string Site, int Cell, TelemetryKind Kind)
{
    public const string Root = "nt";

    public override string ToString() => $"{Root}/{Site}/{Cell.ToString(CultureInfo.InvariantCulture)}/{KindName(Kind)}";

    /// <summary>The subscription filter for every cell and kind of one site ("+" for every site).</summary>
    public static string FilterForSite(string site) => $"{Root}/{site}/+/+";

    public static string KindName(TelemetryKind kind) => kind switch
    {
        TelemetryKind.Throughput => "throughput",
        TelemetryKind.PacketStats => "pkt-stats",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown telemetry kind"),
    };

    /// <summary>Null when <paramref name="site"/> is a valid site id, otherwise why not.</summary>
    public static string? ValidateSite(string site)
    {
        if (string.IsNullOrEmpty(site) || site.Length > 64)
        {
            return $"site id \"{site}\" must be 1..64 characters";
        }

        foreach (var c in site)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
            {
                return $"site id \"{site}\" may only hold letters, digits, '_', '-' and '.'";
            }
        }

        return null;
    }

    /// <summary>Parses a topic; on failure <paramref name="error"/> says what is wrong with it.</summary>
    public static bool TryParse(string topic, out TelemetryTopic parsed, out string? error)
    {
        parsed = default;
        var parts = topic.Split('/');
        if (parts.Length != 4 || parts[0] != Root)
        {
            error = $"topic \"{topic}\" is not {Root}/<site>/<cell>/<throughput|pkt-stats>";
            return false;
        }

        error = ValidateSite(parts[1]);
        if (error is not null)
        {
            return false;
        }

        if (!int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var cell) || cell > 65535)
        {
            error = $"topic \"{topic}\": cell \"{parts[2]}\" is not a number 0..65535";
            return false;
        }

        TelemetryKind? kind = parts[3] switch
        {
            "throughput" => TelemetryKind.Throughput,
            "pkt-stats" => TelemetryKind.PacketStats,
            _ => null,
        };
        if (kind is null)
        {
            error = $"topic \"{topic}\": kind \"{parts[3]}\" is neither throughput nor pkt-stats";
            return false;
        }

        parsed = new TelemetryTopic(parts[1], cell, kind.Value);
        return true;
    }
}
