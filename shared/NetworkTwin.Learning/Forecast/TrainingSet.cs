using NetworkTwin.Learning.Series;

namespace NetworkTwin.Learning.Forecast;

/// <summary>Rows of (features, z(t), z(t + h) - z(t)) from the prediction times of one or more series.</summary>
public sealed class TrainingSet
{
    public TrainingSet(FeatureSpec spec, int capacity = 1024)
    {
        Spec = spec;
        Features = new List<float>(capacity * spec.FeatureCount);
    }

    public FeatureSpec Spec { get; }

    public List<float> Features { get; }

    public List<double> Levels { get; } = [];

    public List<double> Targets { get; } = [];

    /// <summary>Which series each row came from (index into the list given to <see cref="Add"/>).</summary>
    public List<int> SeriesIndex { get; } = [];

    /// <summary>Which step t each row predicts from (the target is t + Horizon).</summary>
    public List<int> Step { get; } = [];

    public int Count => Targets.Count;

    /// <summary>
    /// Adds every prediction time t with <paramref name="fromStep"/> &lt;= t + Horizon &lt; <paramref name="toStep"/>
    /// (the targets fall in that range) that has enough history.
    /// </summary>
    public TrainingSet Add(IReadOnlyList<LoadSeries> series, int fromStep, int toStep)
    {
        var row = new float[Spec.FeatureCount];
        for (var s = 0; s < series.Count; s++)
        {
            var values = series[s].Values;
            var first = Math.Max(Spec.HistoryNeeded - 1, fromStep - Spec.Horizon);
            var last = Math.Min(values.Length, toStep) - Spec.Horizon;
            for (var t = first; t < last; t++)
            {
                var z = FeatureBuilder.Compute(Spec, values.AsSpan(0, t + 1), series[s].TimeOf(t), row);
                Features.AddRange(row);
                Levels.Add(z);
                Targets.Add(FeatureBuilder.Z(Spec, values[t + Spec.Horizon]) - z);
                SeriesIndex.Add(s);
                Step.Add(t);
            }
        }

        return this;
    }

    /// <summary>A set holding this one's rows followed by <paramref name="other"/>'s.</summary>
    public TrainingSet Concat(TrainingSet other)
    {
        var all = new TrainingSet(Spec, Count + other.Count);
        foreach (var set in new[] { this, other })
        {
            all.Features.AddRange(set.Features);
            all.Levels.AddRange(set.Levels);
            all.Targets.AddRange(set.Targets);
            all.SeriesIndex.AddRange(set.SeriesIndex);
            all.Step.AddRange(set.Step);
        }

        return all;
    }

    public ReadOnlySpan<float> Row(int i) => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(Features).Slice(i * Spec.FeatureCount, Spec.FeatureCount);
}
