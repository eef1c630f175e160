using System.Globalization;
using Grpc.Core;
using NetworkTwin.Analytics.WhatIfs;
using NetworkTwin.Central.Control;
using NetworkTwin.Central.Repository;
using NetworkTwin.Contracts.Operators;

namespace NetworkTwin.Central.Scenarios;

/// <summary>
/// Runs what-ifs on the twin's current state for operators: builds a <see cref="TwinTemplate"/> from the
/// repository (each agent link's windows over the lookback, its target in force, its latest forecast, and
/// the discovered link it belongs to on the stored link map),
/// runs the what-ifs in parallel, and records the run in the repository.
/// </summary>
internal static class ScenarioService
{
    /// <param name="settleSeconds">A link's first windows that are partial (Coordinator:Control:SettleSeconds); skipped when there are later ones.</param>
    public static ScenarioRun Run(CoordinatorRepository repository, ScenarioRequest request, string requestedBy, double settleSeconds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(request);
        var lookback = request.LookbackSeconds == 0 ? 600 : request.LookbackSeconds;
        var cost = request.CostPerGbpsMonth == 0 ? 100 : request.CostPerGbpsMonth;
        var epsilon = request.Epsilon == 0 ? 0.05 : request.Epsilon;
        if (lookback is < 10 or > 7 * 86400 || cost is < 0 or > 1e9 || epsilon is <= 0 or >= 0.5 || request.WhatIfs.Count > 1000)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "lookback_seconds must be 10..604800, cost_per_gbps_month 0..1e9, epsilon above 0 and below 0.5, at most 1000 what-ifs"));
        }

        List<WhatIf> asked;
        try
        {
            asked = [.. request.WhatIfs.Select(WhatIf.Parse)];
        }
        catch (FormatException ex)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "what-if " + ex.Message));
        }

        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var linkOfCell = repository.Topology.Latest() is { } map ? Topology.CapacityView.LinkOfCell(map) : [];
        var forecasts = repository.Results.Forecasts(now - (lookback * 1000L), null, latestOnly: true).ToDictionary(f => (f.AgentId, f.Forecast.LinkId), f => f.Forecast);
        var current = repository.Results.LatestLinks(null).ToDictionary(l => (l.AgentId, l.Link.LinkId), l => l.Link);
        var links = LinkWindows.Read(repository, now - (lookback * 1000L), settleSeconds)
            .Where(w => current.ContainsKey((w.AgentId, w.LinkId)))
            .Select(w =>
            {
                var settled = w.Settled.Count > 0 ? w.Settled : w.All;
                var latest = current[(w.AgentId, w.LinkId)];
                var needs = settled.Select(m => m.CapacityMaxGbps).ToArray();
                var known = latest.TargetGbps > 0;
                var growth = forecasts.TryGetValue((w.AgentId, w.LinkId), out var f) ? Math.Max(1, Topology.CapacityAdvice.Growth(f.ObservedGbps, f.RequiredCapacityGbps)) : 1;
                return new TwinLink(
                    string.Create(CultureInfo.InvariantCulture, $"{w.AgentId}/{w.LinkId}"), w.AgentId, [.. latest.Cells], known ? latest.TargetGbps : needs.Max(), known, needs, [.. settled.Select(m => m.MeanGbps)], growth)
                {
                    Discovered = Topology.CapacityView.DiscoveredLink(w.AgentId, latest.Cells, linkOfCell),
                };
            })
            .ToList();
        if (links.Count == 0)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"no agent reported a link in the last {lookback} s: there is no state to replay"));
        }

        var template = new TwinTemplate(links, epsilon, cost);
        var run = ScenarioRunner.RunAll(template, asked.Count > 0 ? [WhatIf.Baseline, .. asked] : template.DefaultSweep(), -1, null, cancellationToken);
        var record = new ScenarioRun
        {
            AtUnixMs = now,
            Template = template.Kind,
            State = template.Description,
            Seconds = run.Seconds,
            Parallelism = run.Parallelism,
            RequestedBy = requestedBy,
        };
        record.Failed.AddRange(run.Failed.Select(f => $"{f.WhatIf.Name}: {f.Error}"));
        foreach (var r in run.Results)
        {
            var outcome = new ScenarioOutcome
            {
                Name = r.WhatIf.Name,
                Changes = string.Join(" + ", r.WhatIf.Changes.Select(c => c.Describe())),
                UnreachablePercent = r.UnreachablePercent,
                SlaViolations = r.SlaViolations,
                CostPerMonth = r.CostPerMonth,
                Notes = r.Notes,
            };
            outcome.Links.AddRange(r.Links.Select(l => new ScenarioLink
            {
                Link = l.Link,
                CapacityGbps = l.CapacityGbps,
                MeanGbps = l.MeanGbps,
                NeedGbps = l.PeakGbps,
                Utilisation = l.Utilisation,
                BrokenPercent = l.LossPercent,
                Violates = l.Violates,
            }));
            record.Outcomes.Add(outcome);
        }

        return repository.Runs.SaveScenario(record);
    }
}
