namespace NetworkTwin.Learning.Forecast;

/// <summary>
/// Computes one prediction's inputs from the history that ends at time t (the last load seen): the
/// model predicts z(t + h) - z(t) with z = log(load + Offset), from features that are all known at t.
/// Used by training at the centre and by inference at the edge, so both see the same numbers.
/// </summary>
public static class FeatureBuilder
{
    private const int EwmaSpan = 60;

    /// <summary>
    /// Fills <paramref name="features"/> for the prediction made after <paramref name="history"/>'s last
    /// value (observed at <paramref name="lastTime"/>, the start of its step); returns z(t).
    /// <paramref name="history"/> must hold at least <see cref="FeatureSpec.HistoryNeeded"/> values.
    /// </summary>
    public static double Compute(FeatureSpec spec, ReadOnlySpan<double> history, DateTimeOffset lastTime, Span<float> features)
    {
        if (history.Length < spec.HistoryNeeded)
        {
            throw new ArgumentException($"{history.Length} loads of history, the model needs {spec.HistoryNeeded}", nameof(history));
        }

        var t = history.Length - 1;
        var z = Z(spec, history[t]);
        var f = 0;
        foreach (var lag in spec.Lags)
        {
            features[f++] = (float)(z - Z(spec, history[t - lag]));
        }

        var from = Math.Max(0, t - EwmaSpan);
        var ewma = Z(spec, history[from]);
        for (var i = from + 1; i <= t; i++)
        {
            ewma += spec.EwmaAlpha * (Z(spec, history[i]) - ewma);
        }

        features[f++] = (float)(z - ewma);

        // Volatility: RMS of the last steps' changes; recent mean: the level over the window before them.
        double squares = 0, mean = 0;
        for (var i = t - spec.RecentSteps + 1; i <= t; i++)
        {
            var d = Z(spec, history[i]) - Z(spec, history[i - 1]);
            squares += d * d;
        }

        for (var i = t - (2 * spec.RecentSteps) + 1; i <= t; i++)
        {
            mean += Z(spec, history[i]);
        }

        features[f++] = (float)Math.Sqrt(squares / spec.RecentSteps);
        features[f++] = (float)(z - (mean / (2 * spec.RecentSteps)));
        features[f++] = (float)(z - ((Z(spec, history[t]) + Z(spec, history[t - 1]) + Z(spec, history[t - 2])) / 3));

        if (spec.SeasonSteps > 0)
        {
            // The same time one season ago (averaged over a few steps around it), aligned to the target
            // time, and how the load moved from now's counterpart to the target's then.
            var s = spec.SeasonSteps;
            var seasonTarget = SeasonMean(spec, history, t + spec.Horizon - s, t);
            var seasonNow = SeasonMean(spec, history, t - s, t);
            features[f++] = (float)(seasonTarget - z);
            features[f++] = (float)(seasonTarget - seasonNow);

            // The same over every season the history holds (up to ProfileSeasons): a steadier daily profile.
            double profileTarget = 0, profileNow = 0;
            var seasons = 0;
            for (var k = 1; k <= spec.ProfileSeasons && t - (k * s) - spec.SeasonSmoothing >= 0; k++)
            {
                profileTarget += SeasonMean(spec, history, t + spec.Horizon - (k * s), t);
                profileNow += SeasonMean(spec, history, t - (k * s), t);
                seasons++;
            }

            features[f++] = (float)((profileTarget / seasons) - z);
            features[f++] = (float)((profileTarget - profileNow) / seasons);
        }

        if (spec.Calendar)
        {
            var target = lastTime.AddSeconds(spec.Horizon * spec.StepSeconds).ToUniversalTime();
            var dayFraction = target.TimeOfDay.TotalSeconds / 86400.0;
            features[f++] = (float)Math.Sin(2 * Math.PI * dayFraction);
            features[f++] = (float)Math.Cos(2 * Math.PI * dayFraction);
            features[f++] = (float)Math.Sin(4 * Math.PI * dayFraction);
            features[f++] = (float)Math.Cos(4 * Math.PI * dayFraction);
            features[f++] = target.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? 1f : 0f;
        }

        return z;
    }

    private static double SeasonMean(FeatureSpec spec, ReadOnlySpan<double> history, int centre, int last)
    {
        double sum = 0;
        var n = 0;
        for (var i = centre - spec.SeasonSmoothing; i <= Math.Min(centre + spec.SeasonSmoothing, last); i++)
        {
            sum += Z(spec, history[i]);
            n++;
        }

        return n == 0 ? Z(spec, history[last]) : sum / n;
    }

    public static double Z(FeatureSpec spec, double load) => Math.Log(Math.Max(load, 0) + spec.Offset);

    public static double FromZ(FeatureSpec spec, double z) => Math.Max(0, Math.Exp(z) - spec.Offset);
}
