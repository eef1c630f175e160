using System.ComponentModel.DataAnnotations;

namespace NetworkTwin.Central.Retention;

/// <summary>
/// Coordinator:Retention: how long each kind of data is kept, in days (0 = for ever), and how often the job that enforces
/// it runs. Decisions and their audit trail are kept for ever: the trail is append-only.
/// </summary>
internal sealed record RetentionOptions
{
    /// <summary>Minutes between retention rounds (on the replica holding the lease), 1..1440.</summary>
    [Range(1, 1440)]
    public int EveryMinutes { get; init; } = 60;

    /// <summary>The agents' raw results: every window, cell, loss evidence, forecast and effect. Training reads them (Coordinator:Learning:HistoryHours).</summary>
    [Range(0, 3650)]
    public int ResultsDays { get; init; } = 8;

    /// <summary>The ten-second link rollups, which the control pass and what-if runs read over their lookback, and the dashboard draws ranges up to an hour from.</summary>
    [Range(0, 3650)]
    public int TenSecondRollupDays { get; init; } = 2;

    /// <summary>The minute link rollups, which the dashboard draws ranges up to a day from.</summary>
    [Range(0, 3650)]
    public int MinuteRollupDays { get; init; } = 35;

    /// <summary>The hour link rollups, which the dashboard draws longer ranges from.</summary>
    [Range(0, 3650)]
    public int HourRollupDays { get; init; } = 400;

    /// <summary>Commands their agent has answered (a pending one stays until it is).</summary>
    [Range(0, 3650)]
    public int CommandsDays { get; init; } = 90;

    /// <summary>Published design runs and what-if runs.</summary>
    [Range(0, 3650)]
    public int RunsDays { get; init; } = 90;

    /// <summary>Discovered link maps (the newest is always kept).</summary>
    [Range(0, 3650)]
    public int TopologyMapsDays { get; init; } = 30;

    /// <summary>Every problem with these settings, each naming its key.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (EveryMinutes is < 1 or > 1440)
        {
            errors.Add($"Coordinator:Retention:EveryMinutes must be 1..1440 (got {EveryMinutes}).");
        }

        foreach (var (name, days) in Days)
        {
            if (days is < 0 or > 3650)
            {
                errors.Add($"Coordinator:Retention:{name} must be 0..3650, 0 to keep for ever (got {days}).");
            }
        }

        return errors;
    }

    /// <summary>Each kept kind's setting by name.</summary>
    internal IEnumerable<(string Name, int Days)> Days =>
    [
        (nameof(ResultsDays), ResultsDays),
        (nameof(TenSecondRollupDays), TenSecondRollupDays),
        (nameof(MinuteRollupDays), MinuteRollupDays),
        (nameof(HourRollupDays), HourRollupDays),
        (nameof(CommandsDays), CommandsDays),
        (nameof(RunsDays), RunsDays),
        (nameof(TopologyMapsDays), TopologyMapsDays),
    ];
}
