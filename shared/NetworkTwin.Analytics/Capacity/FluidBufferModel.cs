using System.Runtime.Intrinsics;

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

    /// <summary>The most capacities <see cref="LossRatios"/> runs in one pass.</summary>
    internal const int Lanes = 8;

    /// <summary>
    /// Loss ratios at up to <see cref="Lanes"/> capacities in one pass over the series, into <paramref name="ratios"/>.
    /// The queue's recurrence is a chain each interval waits on (add, subtract, max, min), so one capacity leaves the
    /// core idle most of the time; eight queues side by side, in four 128-bit vectors (SSE2 and AdvSimd alike), cost
    /// about what one does. Each capacity gets the same operations in the same order as <see cref="LossRatio"/>, so each
    /// ratio is the same to the bit.
    /// </summary>
    internal static void LossRatios(ReadOnlySpan<double> kbitPerInterval, double intervalSeconds, ReadOnlySpan<double> capacitiesBitsPerSecond, double bufferSeconds, Span<double> ratios)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(intervalSeconds);
        ArgumentOutOfRangeException.ThrowIfNegative(bufferSeconds);
        ArgumentOutOfRangeException.ThrowIfZero(capacitiesBitsPerSecond.Length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacitiesBitsPerSecond.Length, Lanes);
        Span<double> drain = stackalloc double[Lanes];
        Span<double> buffer = stackalloc double[Lanes];
        for (var i = 0; i < Lanes; i++)
        {
            // Lanes past the capacities given repeat the first; their results are not read.
            var capacity = capacitiesBitsPerSecond[i < capacitiesBitsPerSecond.Length ? i : 0];
            ArgumentOutOfRangeException.ThrowIfNegative(capacity);
            drain[i] = capacity * intervalSeconds / 1000.0;
            buffer[i] = capacity * bufferSeconds / 1000.0;
        }

        var (d0, d1, d2, d3) = (Vector128.Create(drain[0], drain[1]), Vector128.Create(drain[2], drain[3]), Vector128.Create(drain[4], drain[5]), Vector128.Create(drain[6], drain[7]));
        var (b0, b1, b2, b3) = (Vector128.Create(buffer[0], buffer[1]), Vector128.Create(buffer[2], buffer[3]), Vector128.Create(buffer[4], buffer[5]), Vector128.Create(buffer[6], buffer[7]));
        var zero = Vector128<double>.Zero;
        var (q0, q1, q2, q3) = (zero, zero, zero, zero);
        var (x0, x1, x2, x3) = (zero, zero, zero, zero);
        var offered = 0.0;
        foreach (var a in kbitPerInterval)
        {
            offered += a;
            var v = Vector128.Create(a);
            var f0 = Vector128.MaxNative(q0 + v - d0, zero);
            var f1 = Vector128.MaxNative(q1 + v - d1, zero);
            var f2 = Vector128.MaxNative(q2 + v - d2, zero);
            var f3 = Vector128.MaxNative(q3 + v - d3, zero);
            x0 += Vector128.MaxNative(f0 - b0, zero);
            x1 += Vector128.MaxNative(f1 - b1, zero);
            x2 += Vector128.MaxNative(f2 - b2, zero);
            x3 += Vector128.MaxNative(f3 - b3, zero);
            q0 = Vector128.MinNative(f0, b0);
            q1 = Vector128.MinNative(f1, b1);
            q2 = Vector128.MinNative(f2, b2);
            q3 = Vector128.MinNative(f3, b3);
        }

        Span<double> dropped = stackalloc double[Lanes];
        x0.CopyTo(dropped);
        x1.CopyTo(dropped[2..]);
        x2.CopyTo(dropped[4..]);
        x3.CopyTo(dropped[6..]);
        for (var i = 0; i < capacitiesBitsPerSecond.Length; i++)
        {
            ratios[i] = offered > 0 ? dropped[i] / offered : 0;
        }
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
