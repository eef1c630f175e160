using System.Globalization;
using Google.Protobuf;
using NetworkTwin.Contracts.Topology;
using static NetworkTwin.Central.Repository.Sql;

namespace NetworkTwin.Central.Repository;

/// <summary>
/// The link maps topology discovery computed, each a new version.
/// </summary>
public sealed class TopologyStore(CoordinatorRepository database) : RepositoryStore(database)
{
    /// <summary>Stores a discovered link map as the next version; returns the map with its version set.</summary>
    public TopologyMap Save(TopologyMap map) => Run(connection =>
    {
        using var transaction = connection.BeginTransaction();
        var version = Convert.ToInt64(Scalar(connection, transaction, "SELECT COALESCE(MAX(version), 0) + 1 FROM topology_maps"), CultureInfo.InvariantCulture);
        var stored = map.Clone();
        stored.Version = version;
        Execute(connection, transaction, "INSERT INTO topology_maps (version, computed_at, payload) VALUES (@v, @now, @payload)", ("v", version), ("now", Now()), ("payload", stored.ToByteArray()));
        transaction.Commit();
        return stored;
    });

    /// <summary>The newest stored link map, or null before the first discovery.</summary>
    public TopologyMap? Latest() => Query(
        "SELECT payload FROM topology_maps ORDER BY version DESC LIMIT 1",
        reader => TopologyMap.Parser.ParseFrom((byte[])reader.GetValue(0))).FirstOrDefault();

    /// <summary>Removes the link maps computed before <paramref name="beforeUnixMs"/>, never the newest; returns how many.</summary>
    public int Expire(long beforeUnixMs) => Run(connection => Execute(
        connection,
        null,
        "DELETE FROM topology_maps WHERE computed_at < @before AND version < (SELECT MAX(version) FROM topology_maps)",
        ("before", StoredTime(beforeUnixMs))));
}
