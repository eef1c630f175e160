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
    public CorrelationPeak Correlate(PreparedSeries a, PreparedSeries b) =>
        a.IsFlat || b.IsFlat ? CorrelationPeak.None : Correlate(a.Re, a.Im, b.Re, b.Im);

    private CorrelationPeak Correlate(ReadOnlySpan<double> aRe, ReadOnlySpan<double> aIm, ReadOnlySpan<double> bRe, ReadOnlySpan<double> bIm)
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

            return PeakOf(window.AsSpan(0, (2 * MaxLag) + 1), MaxLag, Length);
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

        // Median and median absolute deviation by selection: the same elements a sort would give, in linear time
        // (every pair of cells is scored every few seconds on a live agent).
        var buffer = ArrayPool<double>.Shared.Rent(curve.Length);
        try
        {
            var values = buffer.AsSpan(0, curve.Length);
            curve.CopyTo(values);
            var middle = values.Length / 2;
            var median = Statistics.Quantile.NthElement(values, middle);
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = Math.Abs(values[i] - median);
            }

            // Floor the spread at what white noise of this length gives, so a flat curve is not "infinitely" significant.
            var sigma = Math.Max(1.4826 * Statistics.Quantile.NthElement(values, middle), 1.0 / Math.Sqrt(samples));
            return new CorrelationPeak(best - centre, curve[best], (curve[best] - median) / sigma);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(buffer);
        }
    }
}
