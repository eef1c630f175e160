using System.Buffers;
using System.Numerics;
using NetworkTwin.Analytics.Statistics;

namespace NetworkTwin.Analytics.Cleaning;

/// <summary>
/// The measurement-error rule for throughput samples (symbols or slots).
/// </summary>
/// <remarks>
/// A radio cannot send more in one interval than its configured bandwidth allows, so busy
/// intervals sit at a ceiling and the logger's errors stand far above it (in the real data:
/// ~289,000 and ~578,000 kbit where busy slots carry under 7,000). The rule estimates that busy
/// level robustly as the 90th percentile of the cell's non-zero samples (unaffected while fewer
/// than 10% of samples are errors) and replaces by 0 every sample above
/// <c>Factor x</c> that level. Factor 5 leaves every legitimate burst seen in the real data in
/// place and catches every logger error. With fewer than <see cref="MinSamples"/> non-zero
/// samples there is no evidence and nothing is removed.
/// </remarks>
public sealed record OutlierRule(double Factor = OutlierRule.DefaultFactor, double ReferenceQuantile = 0.90)
{
    public const double DefaultFactor = 5.0;
    public const int MinSamples = 50;

    /// <summary>Replaces the outliers of <paramref name="kbit"/> (float or double samples) by 0.</summary>
    public OutlierCleaning Apply<T>(Span<T> kbit)
        where T : struct, IFloatingPointIeee754<T>
    {
        var threshold = Threshold<T>(kbit);
        var removed = 0;
        for (var i = 0; i < kbit.Length; i++)
        {
            if (double.CreateTruncating(kbit[i]) > threshold)
            {
                kbit[i] = T.Zero;
                removed++;
            }
        }

        return new OutlierCleaning(removed, threshold);
    }

    private double Threshold<T>(ReadOnlySpan<T> kbit)
        where T : struct, IFloatingPointIeee754<T>
    {
        // Pooled scratch: the live agent runs this on every cell every few seconds.
        var scratch = ArrayPool<double>.Shared.Rent(kbit.Length);
        try
        {
            var count = 0;
            foreach (var v in kbit)
            {
                if (v > T.Zero)
                {
                    scratch[count++] = double.CreateTruncating(v);
                }
            }

            return count < MinSamples ? double.PositiveInfinity : Factor * Quantile.Select(scratch.AsSpan(0, count), ReferenceQuantile);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(scratch);
        }
    }
}
