using System.ComponentModel.DataAnnotations;

namespace NetworkTwin.Central.Rollups;

/// <summary>
/// Coordinator:Rollups: how often the minute and hour link rollups are derived from the ten-second ones the ingest path
/// keeps (on the replica holding the lease).
/// </summary>
public sealed record RollupOptions
{
    /// <summary>Seconds between derivations, 1..3600: how far the minute and hour rollups (the dashboard's ranges beyond an hour) may lag.</summary>
    [Range(1, 3600)]
    public int EverySeconds { get; init; } = 15;

    /// <summary>Every problem with these settings, each naming its key.</summary>
    public IReadOnlyList<string> Validate() =>
        EverySeconds is < 1 or > 3600 ? [$"Coordinator:Rollups:EverySeconds must be 1..3600 (got {EverySeconds})."] : [];
}
