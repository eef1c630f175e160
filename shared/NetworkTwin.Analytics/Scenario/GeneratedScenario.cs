using NetworkTwin.Analytics.Fronthaul;

namespace NetworkTwin.Analytics.Scenario;

/// <summary>A generated capture: DU symbols (with logger errors), RU packet stats, and the truth.</summary>
public sealed record GeneratedScenario(IReadOnlyList<SymbolGrid> Symbols, IReadOnlyList<PacketStatsSeries> PacketStats, ScenarioTruth Truth);
