using System.Buffers;

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
        if (series.Length != Length)
        {
            throw new ArgumentException($"Series must have {Length} samples, not {series.Length}.", nameof(series));
        }

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

        var re = new double[_plan.Size];
        var im = new double[_plan.Size];
        if (norm <= 0)
        {
            return new PreparedSeries(re, im, IsFlat: true);
        }

        var scale = 1.0 / Math.Sqrt(norm);
        for (var i = 0; i < series.Length; i++)
        {
            re[i] = (series[i] - mean) * scale;
        }

        _plan.Forward(re, im);
        return new PreparedSeries(re, im, IsFlat: false);
    }

    /// <summary>Best lag of <paramref name="a"/> against <paramref name="b"/>; thread-safe.</summary>
    public CorrelationPeak Correlate(PreparedSeries a, PreparedSeries b)
    {
        if (a.IsFlat || b.IsFlat)
        {
            return CorrelationPeak.None;
        }

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
                re[k] = (a.Re[k] * b.Re[k]) + (a.Im[k] * b.Im[k]);
                im[k] = (a.Im[k] * b.Re[k]) - (a.Re[k] * b.Im[k]);
            }

            _plan.Inverse(re.AsSpan(0, n), im.AsSpan(0, n));
            for (var lag = -MaxLag; lag <= MaxLag; lag++)
            {
                window[lag + MaxLag] = re[lag >= 0 ? lag : n + lag];
            }

            return PeakOf(window.AsSpan(0, (2 * MaxLag) + 1), MaxLag, Length);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(re);
            ArrayPool<double>.Shared.Return(im);
            ArrayPool<double>.Shared.Return(window);
        }
    }

    /// <summary>Picks the peak of a correlation curve indexed from -centre and scores it against the rest.</summary>
    public static CorrelationPeak PeakOf(ReadOnlySpan<double> curve, int centre, int samples)
    {
        var best = 0;
        for (var i = 1; i < curve.Length; i++)
        {
            if (curve[i] > curve[best])
            {
                best = i;
            }
        }

        var sorted = curve.ToArray();
        Array.Sort(sorted);
        var median = sorted[sorted.Length / 2];
        for (var i = 0; i < sorted.Length; i++)
        {
            sorted[i] = Math.Abs(sorted[i] - median);
        }

        Array.Sort(sorted);
        // Floor the spread at what white noise of this length gives, so a flat curve is not "infinitely" significant.
        var sigma = Math.Max(1.4826 * sorted[sorted.Length / 2], 1.0 / Math.Sqrt(samples));
        return new CorrelationPeak(best - centre, curve[best], (curve[best] - median) / sigma);
    }
}
