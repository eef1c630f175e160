namespace NetworkTwin.Analytics.Capacity;

/// <summary>
/// A switch output port as a fluid queue: bits arrive at a constant rate within each interval,
/// leave at the link capacity C, and wait in a buffer of C x bufferTime bits; what does not fit
/// is dropped. Each interval is solved exactly (piecewise linear), so the result does not depend
/// on a simulation step.
/// </summary>
public static class FluidBufferModel
{
    /// <summary>Fraction of offered bits dropped at capacity <paramref name="capacityBitsPerSecond"/>.</summary>
    /// <param name="kbitPerInterval">Offered kilobits in each consecutive interval.</param>
    /// <param name="intervalSeconds">Interval length (one symbol or one slot).</param>
    /// <param name="capacityBitsPerSecond">Link rate C.</param>
    /// <param name="bufferSeconds">Buffer size as drain time at C (143 us for 4 symbols).</param>
    public static double LossRatio(ReadOnlySpan<double> kbitPerInterval, double intervalSeconds, double capacityBitsPerSecond, double bufferSeconds)
    {
        var (dropped, offered) = Simulate(kbitPerInterval, intervalSeconds, capacityBitsPerSecond, bufferSeconds, droppedKbitPerInterval: default);
        return offered > 0 ? dropped / offered : 0;
    }

    /// <summary>
    /// Runs the queue and returns dropped and offered kilobits; when
    /// <paramref name="droppedKbitPerInterval"/> is not empty it receives the drops per interval.
    /// </summary>
    public static (double DroppedKbit, double OfferedKbit) Simulate(
        ReadOnlySpan<double> kbitPerInterval,
        double intervalSeconds,
        double capacityBitsPerSecond,
        double bufferSeconds,
        Span<double> droppedKbitPerInterval)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(intervalSeconds);
        ArgumentOutOfRangeException.ThrowIfNegative(capacityBitsPerSecond);
        ArgumentOutOfRangeException.ThrowIfNegative(bufferSeconds);
        var recordDrops = !droppedKbitPerInterval.IsEmpty;
        if (recordDrops && droppedKbitPerInterval.Length < kbitPerInterval.Length)
        {
            throw new ArgumentException("The drop buffer is shorter than the series.", nameof(droppedKbitPerInterval));
        }

        // Work in kbit and seconds: drain per interval and buffer size in kbit.
        var drain = capacityBitsPerSecond * intervalSeconds / 1000.0;
        var buffer = capacityBitsPerSecond * bufferSeconds / 1000.0;
        var queue = 0.0;
        var dropped = 0.0;
        var offered = 0.0;
        if (!recordDrops)
        {
            // Branch-free form of the loop below: the min/max compile to conditional moves, so
            // bursty traffic costs no mispredicted branches.
            foreach (var a in kbitPerInterval)
            {
                offered += a;
                var filled = double.MaxNative(queue + a - drain, 0);
                dropped += double.MaxNative(filled - buffer, 0);
                queue = double.MinNative(filled, buffer);
            }

            return (dropped, offered);
        }

        for (var i = 0; i < kbitPerInterval.Length; i++)
        {
            var a = kbitPerInterval[i];
            offered += a;

            // Constant net inflow within the interval: the queue moves linearly; once it hits the
            // buffer the rest of the excess is dropped, which is exactly queue + net - buffer.
            var filled = double.MaxNative(queue + a - drain, 0);
            var drop = double.MaxNative(filled - buffer, 0);
            queue = double.MinNative(filled, buffer);
            dropped += drop;
            droppedKbitPerInterval[i] = drop;
        }

        return (dropped, offered);
    }
}
