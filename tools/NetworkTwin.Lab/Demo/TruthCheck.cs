using NetworkTwin.Analytics.Fronthaul;
using NetworkTwin.Analytics.Scenario;

namespace NetworkTwin.Lab.Demo;

/// <summary>How an analysis compares with a generated capture's truth (link ids may be permuted).</summary>
public sealed record TruthCheck(int Cells, int CellsPlacedRight, int OffsetsRight, IReadOnlyList<(int Link, double TrueGbps, double GotGbps)> Capacities)
{
    public static TruthCheck Compare(FronthaulReport report, ScenarioTruth truth)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(truth);

        // Map each reported link to the true link most of its cells are on.
        var mapping = report.Links.ToDictionary(
            l => l.Id,
            l => l.Cells.GroupBy(c => truth.LinkOfCell[c]).OrderByDescending(g => g.Count()).Select(g => g.Key).FirstOrDefault());
        var placed = report.Cells.Count(c => c.Link is { } l && mapping.TryGetValue(l, out var t) && t == truth.LinkOfCell[c.Id]);
        var offsets = report.Cells.Count(c => c.ClockOffsetMs is { } ms && c.OffsetReference == "du" && Math.Abs(ms - truth.ClockOffsetMsOfCell[c.Id]) <= 0.5);
        var capacities = report.Links.Where(l => mapping[l.Id] != 0)
            .Select(l => (l.Id, truth.CapacityGbpsOfLink[mapping[l.Id]], l.CapacityGbps)).ToList();
        return new TruthCheck(report.Cells.Count, placed, offsets, capacities);
    }
}
