using System.Buffers;

namespace NetworkTwin.Analytics.Signal;

/// <summary>
/// The normalised cross-correlation of <see cref="CrossCorrelator"/> (the same curve over lags within +-maxLag and the
/// same peak rule), computed from the non-zero samples only. For series that are mostly zero, such as a cell's loss
/// events on a grid of slots, the work per pair is the number of non-zero pairs less than maxLag apart instead of an
/// FFT of the whole padded window: a live agent with 200 cells correlates ~20,000 pairs every few seconds.
/// </summary>
/// <remarks>
/// With <c>x = (a - mean(a)) / |a - mean(a)|</c>, the correlation at a lag is
/// <c>sa sb (sum a[n + lag] b[n] - mb sum a[n + lag] - ma sum b[n] + count ma mb)</c> over the overlap: the first sum
/// comes from the non-zero pairs, the others from the sums of each series' first and last maxLag samples.
/// </remarks>
public sealed class SparseCrossCorrelator
{
    public SparseCrossCorrelator(int length, int maxLag)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 2);
        ArgumentOutOfRangeException.ThrowIfNegative(maxLag);
        Length = length;
        MaxLag = Math.Min(maxLag, length - 1);
    }

    public int Length { get; }

    public int MaxLag { get; }

    /// <summary>The non-zero samples of the series with the sums of its first and last samples, its mean and scale.</summary>
    public SparseSeries Prepare(ReadOnlySpan<double> series)
    {
        if (series.Length != Length)
        {
            throw new ArgumentException($"Series must have {Length} samples, not {series.Length}.", nameof(series));
        }

        // Mean and norm as the FFT path computes them, so both give the same curve.
        var (mean, norm) = CrossCorrelator.MeanAndNorm(series);
        var nonZero = series.Length - series.Count(0.0);

        var index = new int[nonZero];
        var value = new double[nonZero];
        var k = 0;
        for (var i = 0; i < series.Length; i++)
        {
            if (series[i] != 0)
            {
                index[k] = i;
                value[k] = series[i];
                k++;
            }
        }

        // Only the sums of the first and of all but the last m samples (m <= MaxLag) enter the curve: a prefix sum
        // of the whole window per series would be most of the memory every pair reads.
        var head = new double[MaxLag + 1];
        var tail = new double[MaxLag + 1];
        var sum = 0.0;
        for (var i = 0; i < series.Length; i++)
        {
            if (i <= MaxLag)
            {
                head[i] = sum;
            }

            var fromEnd = series.Length - i;
            if (fromEnd <= MaxLag)
            {
                tail[fromEnd] = sum;
            }

            sum += series[i];
        }

        tail[0] = sum;
        return new SparseSeries(index, value, head, tail, mean, norm > 0 ? 1.0 / Math.Sqrt(norm) : 0, IsFlat: norm <= 0);
    }

    /// <summary>Rough count of the multiply-adds <see cref="Correlate"/> spends on this pair, to choose it over an FFT.</summary>
    public double Cost(SparseSeries a, SparseSeries b) =>
        ((double)a.Index.Length * b.Index.Length * Math.Min(1.0, ((2.0 * MaxLag) + 1) / Length)) + (4.0 * ((2 * MaxLag) + 1));

    /// <summary>Best lag of <paramref name="a"/> against <paramref name="b"/>; thread-safe.</summary>
    /// <param name="a">The series that runs ahead by the peak's lag.</param>
    /// <param name="b">The other series.</param>
    /// <param name="minZ">A peak that cannot score this high is not scored: <see cref="CorrelationPeak.None"/> (see <see cref="CrossCorrelator.PeakOf"/>).</param>
    public CorrelationPeak Correlate(SparseSeries a, SparseSeries b, double minZ = 0)
    {
        if (a.IsFlat || b.IsFlat)
        {
            return CorrelationPeak.None;
        }

        var width = (2 * MaxLag) + 1;
        var curveBuffer = ArrayPool<double>.Shared.Rent(width);
        try
        {
            var curve = curveBuffer.AsSpan(0, width);
            curve.Clear();
            var maxLag = MaxLag;
            var length = Length;

            // sum a[i] b[j] with lag = i - j, over the pairs of non-zero samples at most maxLag apart.
            var first = 0;
            var aIndex = a.Index;
            var aValue = a.Value;
            var bIndex = b.Index;
            var bValue = b.Value;
            for (var p = 0; p < aIndex.Length; p++)
            {
                var i = aIndex[p];
                while (first < bIndex.Length && bIndex[first] < i - maxLag)
                {
                    first++;
                }

                var av = aValue[p];
                var offset = i + maxLag;
                for (var q = first; q < bIndex.Length; q++)
                {
                    var j = bIndex[q];
                    if (j > i + maxLag)
                    {
                        break;
                    }

                    curve[offset - j] += av * bValue[q];
                }
            }

            // b[n] pairs with a[n + lag] for start <= n < end; the mean terms from the head and tail sums.
            var scale = a.Scale * b.Scale;
            var (ma, mb) = (a.Mean, b.Mean);
            var aHead = a.Head;
            var aTail = a.Tail;
            var bHead = b.Head;
            var bTail = b.Tail;
            for (var m = 1; m <= maxLag; m++)
            {
                // lag = -m: a over [0, length - m), b over [m, length).
                ref var c = ref curve[maxLag - m];
                c = scale * (c - (mb * aTail[m]) - (ma * (bTail[0] - bHead[m])) + ((length - m) * ma * mb));
            }

            for (var m = 0; m <= maxLag; m++)
            {
                // lag = m: a over [m, length), b over [0, length - m).
                ref var c = ref curve[maxLag + m];
                c = scale * (c - (mb * (aTail[0] - aHead[m])) - (ma * bTail[m]) + ((length - m) * ma * mb));
            }

            return CrossCorrelator.PeakOf(curve, MaxLag, Length, minZ);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(curveBuffer);
        }
    }
}

/// <summary>A series prepared for <see cref="SparseCrossCorrelator"/>: its non-zero samples in order, mean and 1/norm.</summary>
/// <param name="Head">Head[m]: the sum of the first m samples, m = 0..MaxLag.</param>
/// <param name="Tail">Tail[m]: the sum of all but the last m samples, m = 0..MaxLag (Tail[0] is the total).</param>
public sealed record SparseSeries(int[] Index, double[] Value, double[] Head, double[] Tail, double Mean, double Scale, bool IsFlat);
