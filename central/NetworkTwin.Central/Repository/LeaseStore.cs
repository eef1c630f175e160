using System.Globalization;
using static NetworkTwin.Central.Repository.Sql;

namespace NetworkTwin.Central.Repository;

/// <summary>
/// Leases on the database's clock: which replica runs the singleton loops, until when.
/// </summary>
public sealed class LeaseStore(CoordinatorRepository database) : RepositoryStore(database)
{
    /// <summary>The lease of the singleton loops (topology discovery, training, control, retention).</summary>
    public const string SingletonLoops = "singleton-loops";

    /// <summary>
    /// Takes or renews the lease <paramref name="name"/> for <paramref name="holder"/> until <paramref name="ttl"/> from
    /// now on the database's clock: granted when it is free, expired or already the holder's, or in any case with
    /// <paramref name="takeOver"/>. Returns the holder after the attempt (the caller holds it when that is itself). One
    /// statement, so two replicas cannot both win.
    /// </summary>
    public string TryHold(string name, string holder, TimeSpan ttl, bool takeOver = false) => Run(connection =>
    {
        Execute(
            connection,
            null,
            $"""
            INSERT INTO leases (name, holder, expires_unix_ms) VALUES (@name, @holder, {Database.NowUnixMsSql} + @ttl)
            ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_unix_ms = excluded.expires_unix_ms
            WHERE @takeOver = 1 OR leases.holder = excluded.holder OR leases.expires_unix_ms < {Database.NowUnixMsSql}
            """,
            ("name", name),
            ("holder", holder),
            ("ttl", (long)ttl.TotalMilliseconds),
            ("takeOver", takeOver ? 1 : 0));
        return (string)Scalar(connection, null, "SELECT holder FROM leases WHERE name = @name", ("name", name))!;
    });

    /// <summary>Who holds the lease and for how many more milliseconds (negative: expired), or null when nobody has taken it.</summary>
    public (string Holder, long RemainingMs)? Holder(string name) => Query(
        $"SELECT holder, expires_unix_ms - {Database.NowUnixMsSql} FROM leases WHERE name = @name",
        reader => (reader.GetString(0), Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture)),
        ("name", name)).Cast<(string, long)?>().FirstOrDefault();

    /// <summary>Gives the lease up (a replica stopping cleanly), so another takes it at its next renewal instead of at expiry.</summary>
    public void Release(string name, string holder) =>
        Run(connection => Execute(connection, null, "DELETE FROM leases WHERE name = @name AND holder = @holder", ("name", name), ("holder", holder)));
}
