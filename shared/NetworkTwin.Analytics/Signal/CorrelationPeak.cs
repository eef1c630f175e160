namespace NetworkTwin.Analytics.Signal;

/// <summary>
/// The best alignment of two series: <c>r(lag) = corr(a[n + lag], b[n])</c> is largest at
/// <see cref="Lag"/> (in samples of the series the peak was measured on).
/// </summary>
/// <param name="Lag">Samples by which <c>a</c> runs ahead of <c>b</c>.</param>
/// <param name="Correlation">Pearson correlation at the peak, -1..1.</param>
/// <param name="ZScore">How far the peak stands above the correlation at other lags (robust z).</param>
public readonly record struct CorrelationPeak(int Lag, double Correlation, double ZScore)
{
    public static CorrelationPeak None => new(0, 0, 0);
}
