namespace NetworkTwin.Analytics.Capacity;

/// <summary>Result of a capacity search, in bit/s.</summary>
/// <param name="CapacityBitsPerSecond">Minimum capacity meeting the loss target (with the buffer).</param>
/// <param name="LossAtCapacity">Loss ratio the buffer model gives at that capacity.</param>
/// <param name="PeakBitsPerSecond">Capacity needed without any buffer (the peak interval rate).</param>
/// <param name="MeanBitsPerSecond">Mean offered rate.</param>
/// <param name="Evaluations">Capacities the bisection tried (each a buffer simulation; up to seven share one pass over the series).</param>
public readonly record struct CapacityResult(
    double CapacityBitsPerSecond,
    double LossAtCapacity,
    double PeakBitsPerSecond,
    double MeanBitsPerSecond,
    int Evaluations)
{
    /// <summary>How much smaller than peak provisioning the buffered capacity is, in percent.</summary>
    public double SavingPercent => PeakBitsPerSecond > 0 ? 100.0 * (1 - (CapacityBitsPerSecond / PeakBitsPerSecond)) : 0;
}
