using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;

namespace NetworkTwin.Analytics.Signal;

/// <summary>
/// Normalised cross-correlation of equal-length series by FFT, for lags within +-maxLag.
/// Prepare each series once (one forward FFT), then correlate any pair with one inverse FFT.
/// The transform is zero-padded to at least length + maxLag so circular wrap-around never
/// aliases a lag inside the window.
/// </summary>
public sealed class CrossCorrelator
{
    private readonly FftPlan _plan;

    public CrossCorrelator(int length, int maxLag)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 2);
        ArgumentOutOfRangeException.ThrowIfNegative(maxLag);
        Length = length;
        MaxLag = Math.Min(maxLag, length - 1);
        _plan = new FftPlan(FftPlan.SizeFor(length + MaxLag + 1));
    }

    public int Length { get; }

    public int MaxLag { get; }

    public int FftSize => _plan.Size;

    /// <summary>Spectrum of the series after removing its mean and scaling to unit norm.</summary>
    public PreparedSeries Prepare(ReadOnlySpan<double> series)
    {
        var re = new double[_plan.Size];
        var im = new double[_plan.Size];
        var flat = !PrepareInto(series, re, im);
        return new PreparedSeries(re, im, flat);
    }

    /// <summary>
    /// Best lag of <paramref name="a"/> against <paramref name="b"/> for a pair correlated once: the spectra live in
    /// pooled buffers for the call (a live agent aligns every cell against its DU traffic every few seconds). Thread-safe.
    /// </summary>
    public CorrelationPeak Correlate(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var n = _plan.Size;
        var buffers = new[] { ArrayPool<double>.Shared.Rent(n), ArrayPool<double>.Shared.Rent(n), ArrayPool<double>.Shared.Rent(n), ArrayPool<double>.Shared.Rent(n) };
        try
        {
            var (aRe, aIm, bRe, bIm) = (buffers[0], buffers[1], buffers[2], buffers[3]);
            return PrepareInto(a, aRe.AsSpan(0, n), aIm.AsSpan(0, n)) && PrepareInto(b, bRe.AsSpan(0, n), bIm.AsSpan(0, n))
                ? Correlate(aRe, aIm, bRe, bIm)
                : CorrelationPeak.None;
        }
        finally
        {
            foreach (var buffer in buffers)
            {
                ArrayPool<double>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>Best lag of <paramref name="a"/> against <paramref name="b"/>; thread-safe.</summary>
    /// <param name="a">The series that runs ahead by the peak's lag.</param>
    /// <param name="b">The other series.</param>
    /// <param name="minZ">A peak that cannot score this high is not scored: <see cref="CorrelationPeak.None"/> (see <see cref="PeakOf"/>).</param>
    public CorrelationPeak Correlate(PreparedSeries a, PreparedSeries b, double minZ = 0) =>
        a.IsFlat || b.IsFlat ? CorrelationPeak.None : Correlate(a.Re, a.Im, b.Re, b.Im, minZ);

    private CorrelationPeak Correlate(ReadOnlySpan<double> aRe, ReadOnlySpan<double> aIm, ReadOnlySpan<double> bRe, ReadOnlySpan<double> bIm, double minZ = 0)
    {
        var n = _plan.Size;

        // Pooled: a live agent correlates every pair of cells every few seconds.
        var re = ArrayPool<double>.Shared.Rent(n);
        var im = ArrayPool<double>.Shared.Rent(n);
        var window = ArrayPool<double>.Shared.Rent((2 * MaxLag) + 1);
        try
        {
            for (var k = 0; k < n; k++)
            {
                // A * conj(B)
                re[k] = (aRe[k] * bRe[k]) + (aIm[k] * bIm[k]);
                im[k] = (aIm[k] * bRe[k]) - (aRe[k] * bIm[k]);
            }

            _plan.Inverse(re.AsSpan(0, n), im.AsSpan(0, n));
            for (var lag = -MaxLag; lag <= MaxLag; lag++)
            {
                window[lag + MaxLag] = re[lag >= 0 ? lag : n + lag];
            }

            return PeakOf(window.AsSpan(0, (2 * MaxLag) + 1), MaxLag, Length, minZ);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(re);
            ArrayPool<double>.Shared.Return(im);
            ArrayPool<double>.Shared.Return(window);
        }
    }

    /// <summary>Writes the zero-padded spectrum of the mean-removed, unit-norm series; false when the series is flat.</summary>
    private bool PrepareInto(ReadOnlySpan<double> series, Span<double> re, Span<double> im)
    {
        if (series.Length != Length)
        {
            throw new ArgumentException($"Series must have {Length} samples, not {series.Length}.", nameof(series));
        }

        re.Clear();
        im.Clear();
        var (mean, norm) = MeanAndNorm(series);
        if (norm <= 0)
        {
            return false;
        }

        var scale = 1.0 / Math.Sqrt(norm);
        for (var i = 0; i < series.Length; i++)
        {
            re[i] = (series[i] - mean) * scale;
        }

        _plan.Forward(re, im);
        return true;
    }

    /// <summary>
    /// The mean of the series and its squared norm about that mean, summed in sample order: every normalised
    /// correlation here (FFT, sparse, dense refinement) scales by the same figures, so they give the same curve.
    /// </summary>
    internal static (double Mean, double Norm) MeanAndNorm(ReadOnlySpan<double> series)
    {
        var mean = 0.0;
        foreach (var v in series)
        {
            mean += v;
        }

        mean /= series.Length;
        var norm = 0.0;
        foreach (var v in series)
        {
            norm += (v - mean) * (v - mean);
        }

        return (mean, norm);
    }

    /// <summary>Picks the peak of a correlation curve indexed from -centre and scores it against the rest.</summary>
    /// <param name="curve">The correlation at lags -centre..</param>
    /// <param name="centre">Index of lag 0.</param>
    /// <param name="samples">Samples the curve was computed over: the noise floor of the score is 1/sqrt(samples).</param>
    /// <param name="minZ">
    /// Where the peak cannot score this high, <see cref="CorrelationPeak.None"/> instead of its score: the score is the
    /// peak's height above the curve's median in units of a spread never below the noise floor, so when more than half
    /// the curve lies above <c>peak - minZ / sqrt(samples)</c> it falls short whatever the spread. One counting pass
    /// settles that, where the score takes two selections; most pairs of cells on different links end there.
    /// </param>
    public static CorrelationPeak PeakOf(ReadOnlySpan<double> curve, int centre, int samples, double minZ = 0)
    {
        var best = 0;
        for (var i = 1; i < curve.Length; i++)
        {
            if (curve[i] > curve[best])
            {
                best = i;
            }
        }

        var middle = curve.Length / 2;
        var floor = 1.0 / Math.Sqrt(samples);

        // The margin keeps a peak whose score rounds to minZ on the scored side.
        if (minZ > 0 && CountAtMost(curve, curve[best] - (minZ * (1 - 1e-9) * floor)) <= middle)
        {
            return CorrelationPeak.None;
        }

        // Median and median absolute deviation by selection: the same elements a sort would give, in linear time
        // (every pair of cells is scored every few seconds on a live agent).
        var buffer = ArrayPool<double>.Shared.Rent(curve.Length);
        try
        {
            var values = buffer.AsSpan(0, curve.Length);
            curve.CopyTo(values);
            var median = Statistics.Quantile.NthElement(values, middle);
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = Math.Abs(values[i] - median);
            }

            // Floor the spread at what white noise of this length gives, so a flat curve is not "infinitely" significant.
            var sigma = Math.Max(1.4826 * Statistics.Quantile.NthElement(values, middle), floor);
            return new CorrelationPeak(best - centre, curve[best], (curve[best] - median) / sigma);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(buffer);
        }
    }

    /// <summary>How many values are at most <paramref name="limit"/>.</summary>
    private static int CountAtMost(ReadOnlySpan<double> values, double limit)
    {
        var vectors = MemoryMarshal.Cast<double, Vector<double>>(values);
        var bound = new Vector<double>(limit);
        var counts = Vector<long>.Zero;
        foreach (var v in vectors)
        {
            // A lane that holds is all ones, -1.
            counts -= Vector.LessThanOrEqual(v, bound);
        }

        var count = (int)Vector.Sum(counts);
        for (var i = vectors.Length * Vector<double>.Count; i < values.Length; i++)
        {
            count += values[i] <= limit ? 1 : 0;
        }

        return count;
    }
}
