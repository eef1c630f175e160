using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NetworkTwin.Central.Repository;
using NetworkTwin.Contracts.Operators;
using NetworkTwin.Contracts.Topology;
using NetworkTwin.Hosting;

namespace NetworkTwin.Central.Topology;

/// <summary>
/// Keeps the coordinator's link map: rediscovers it from the repository every
/// <see cref="TopologyOptions.EverySeconds"/> (and on an operator's request), stores a new
/// version only when the membership changed, and derives the per-link capacity view.
/// </summary>
internal sealed partial class TopologyService(CoordinatorRepository repository, TopologyOptions options, Replicas.SingletonLease lease, ILogger<TopologyService> logger, TimeProvider time) : BackgroundService
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>The stored map (version 0 when nothing has been discovered yet).</summary>
    public TopologyMap Current() => repository.Topology.Latest() ?? new TopologyMap { Statement = "No loss evidence has been discovered yet." };

    /// <summary>Discovers now from the evidence of the last horizon; stores and returns the map if the links changed, else the stored one.</summary>
    public async Task<TopologyMap> RefreshAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            var since = now - (long)(options.HorizonSeconds * 1000);
            var evidence = repository.Results.LossEvidence(since);
            var known = repository.Results.LatestCells(since).Select(c => new CellRef { AgentId = c.AgentId, Site = c.Site, CellId = c.Cell.CellId });
            var previous = repository.Topology.Latest();
            var map = TopologyDiscovery.Discover(evidence, known, previous, options);
            (map.EvidenceFromUnixMs, map.EvidenceToUnixMs) = (since, now);
            if (previous is not null && SameLinks(previous, map))
            {
                return previous;
            }

            if (map.Links.Count == 0 && previous is null)
            {
                return map;
            }

            var stored = repository.Topology.Save(map);
            Log.Discovered(logger, stored.Version, stored.Links.Count, stored.Statement);
            return stored;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Per discovered link: its cells' latest rates and what the agents sized for their share of it.</summary>
    public CapacityList Capacities() => Capacities(Current());

    /// <summary>The same for a map the caller already holds.</summary>
    public CapacityList Capacities(TopologyMap map)
    {
        var since = time.GetUtcNow().ToUnixTimeMilliseconds() - (long)(options.HorizonSeconds * 1000);
        return CapacityView.Build(map, repository.Results.LatestLinks(null), repository.Results.LatestCells(since));
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PeriodicRounds.RunAsync(TimeSpan.FromSeconds(options.EverySeconds), time, lease.Only("topology", RefreshAsync), ex => Log.Failed(logger, ex.Message, ex), stoppingToken);

    public override void Dispose()
    {
        _gate.Dispose();
        base.Dispose();
    }

    private static bool SameLinks(TopologyMap a, TopologyMap b) =>
        a.Links.Count == b.Links.Count && a.Links.Zip(b.Links).All(p => p.First.LinkId == p.Second.LinkId
            && p.First.Cells.Select(c => (c.Cell.AgentId, c.Cell.CellId)).SequenceEqual(p.Second.Cells.Select(c => (c.Cell.AgentId, c.Cell.CellId))))
        && a.Unplaced.Count == b.Unplaced.Count;

    private static partial class Log
    {
        [LoggerMessage(7201, LogLevel.Information, "Link map version {Version}: {Links} link(s). {Statement}")]
        public static partial void Discovered(ILogger logger, long version, int links, string statement);

        [LoggerMessage(7202, LogLevel.Error, "Topology discovery failed: {Reason}. The previous link map stays in use; the next round tries again")]
        public static partial void Failed(ILogger logger, string reason, Exception exception);
    }
}
