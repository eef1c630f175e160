using System.ComponentModel.DataAnnotations;

namespace NetworkTwin.Central.Replicas;

/// <summary>
/// Coordinator:Replicas: how the replicas over one PostgreSQL share the singleton loops (topology discovery, training,
/// control). One replica holds a lease in the repository and runs them; when it dies another takes over once the
/// lease expires. With SQLite the one coordinator holds it.
/// </summary>
internal sealed record ReplicaOptions
{
    /// <summary>How long a lease lasts without renewal, in seconds: default 20, 6..300. The holder renews it (and the others try for it) every quarter of this, so a replica that dies is replaced within 1.25 x this (25 s by default).</summary>
    [Range(6, 300)]
    public int LeaseSeconds { get; init; } = 20;

    /// <summary>A quarter of the lease: how often the holder renews and the others try.</summary>
    public TimeSpan RenewEvery => TimeSpan.FromSeconds(LeaseSeconds / 4.0);

    public IReadOnlyList<string> Validate() =>
        LeaseSeconds is < 6 or > 300 ? [$"Coordinator:Replicas:LeaseSeconds must be 6..300 (got {LeaseSeconds})."] : [];
}
