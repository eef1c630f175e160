namespace NetworkTwin.Analytics.Signal;

/// <summary>The zero-padded spectrum of a mean-removed, unit-norm series.</summary>
public sealed record PreparedSeries(double[] Re, double[] Im, bool IsFlat);
