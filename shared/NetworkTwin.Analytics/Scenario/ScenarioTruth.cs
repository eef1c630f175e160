namespace NetworkTwin.Analytics.Scenario;

/// <summary>What the generator built, for checking an analysis against.</summary>
public sealed record ScenarioTruth(
    IReadOnlyDictionary<int, int> LinkOfCell,
    IReadOnlyDictionary<int, double> ClockOffsetMsOfCell,
    IReadOnlyDictionary<int, double> CapacityGbpsOfLink,
    IReadOnlyDictionary<int, double> ModelLossPercentOfLink,
    int OutliersInjected,
    double BufferMicros);
