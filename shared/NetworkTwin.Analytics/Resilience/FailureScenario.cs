namespace NetworkTwin.Analytics.Resilience;

public enum FailureKind
{
    Link,
    Node,
    RiskGroup,
    DoubleLink,
}

/// <summary>What fails together: link and node indices, and a label an operator reads.</summary>
public sealed record FailureScenario(FailureKind Kind, int[] Links, int[] Nodes, string Label);
