using System.Globalization;
using NetworkTwin.Onnx;
using NetworkTwin.Onnx.Format;
using NetworkTwin.Onnx.Runtime;

namespace NetworkTwin.Learning.Forecast;

/// <summary>One prediction of the next load: mean, standard deviation, median and the 90% interval.</summary>
public readonly record struct LoadPrediction(double Mean, double Std, double Median, double Lower, double Upper, double LogStd);

/// <summary>
/// A load-forecast model (<see cref="BnnExport"/>) on ONNX Runtime, checked when it is loaded: the model
/// must say what it is, carry a usable feature spec, take and return the expected tensors, and give finite
/// predictions on a probe. A model that fails any check throws <see cref="InvalidDataException"/> with the
/// reason, so the caller keeps the model it has.
/// </summary>
public sealed class LoadForecaster : IDisposable
{
    private readonly OnnxSession _session;
    private readonly OnnxBinding _one;
    private readonly int[] _outputIndex;

    private LoadForecaster(OnnxSession session, FeatureSpec spec, long version, int[] outputIndex, IReadOnlyDictionary<double, double> upperScores)
    {
        UpperScores = upperScores;
        _session = session;
        Spec = spec;
        Version = version;
        _outputIndex = outputIndex;
        _one = session.Bind([[1, spec.FeatureCount], [1, 1]]);
    }

    public FeatureSpec Spec { get; }

    public long Version { get; }

    /// <summary>Held-out upper-tail scores by probability (see <see cref="BayesianMlp.UpperScores"/>).</summary>
    public IReadOnlyDictionary<double, double> UpperScores { get; }

    /// <summary>
    /// The load the next window stays below with probability <paramref name="p"/>: the capacity that
    /// holds with that probability. Uses the held-out tail score for p when the model carries one, else
    /// the normal quantile of the log-load.
    /// </summary>
    public double Quantile(LoadPrediction prediction, double p)
    {
        var z = UpperScores.TryGetValue(p, out var score) ? score : MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, p);
        return Math.Max(0, Math.Exp(Math.Log(prediction.Median + Spec.Offset) + (z * prediction.LogStd)) - Spec.Offset);
    }

    public static LoadForecaster Load(byte[] model, OnnxSessionOptions? options = null)
    {
        var metadata = OnnxModelBuilder.ReadMetadata(model);

        if (metadata.GetValueOrDefault(BnnExport.ModelKindKey) != BnnExport.ModelKind)
        {
            throw new InvalidDataException($"the model's metadata {BnnExport.ModelKindKey} is '{metadata.GetValueOrDefault(BnnExport.ModelKindKey)}', expected '{BnnExport.ModelKind}'");
        }

        FeatureSpec spec;
        try
        {
            spec = FeatureSpec.FromJson(metadata.GetValueOrDefault(FeatureSpec.MetadataKey) ?? throw new FormatException("missing"));
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException)
        {
            throw new InvalidDataException($"the model's feature spec ({FeatureSpec.MetadataKey}) is unusable: {e.Message}", e);
        }

        if (spec.Validate() is { Count: > 0 } problems)
        {
            throw new InvalidDataException($"the model's feature spec is invalid: {string.Join("; ", problems)}");
        }

        _ = long.TryParse(metadata.GetValueOrDefault(BnnExport.VersionKey), NumberStyles.Integer, CultureInfo.InvariantCulture, out var version);
        var upper = new Dictionary<double, double>();
        if (metadata.GetValueOrDefault(BnnExport.UpperScoresKey) is { } json)
        {
            try
            {
                foreach (var (k, v) in System.Text.Json.JsonSerializer.Deserialize(json, ModelJson.Default.DictionaryStringDouble) ?? [])
                {
                    if (double.TryParse(k, NumberStyles.Float, CultureInfo.InvariantCulture, out var p) && p is > 0 and < 1 && double.IsFinite(v))
                    {
                        upper[p] = v;
                    }
                }
            }
            catch (System.Text.Json.JsonException e)
            {
                throw new InvalidDataException($"the model's {BnnExport.UpperScoresKey} is not a JSON object of probabilities: {e.Message}", e);
            }
        }


        OnnxSession session;
        try
        {
            session = OnnxSession.Load(model, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidDataException($"ONNX Runtime refused the model: {e.Message}", e);
        }

        try
        {
            Expect(session.Inputs, "features", spec.FeatureCount, "input");
            Expect(session.Inputs, "level", 1, "input");
            if (session.Inputs[0].Name != "features" || session.Inputs.Count != 2)
            {
                throw new InvalidDataException($"the model's inputs are {string.Join(", ", session.Inputs)}, expected features then level");
            }

            var index = BnnExport.OutputNames.Select(name => Expect(session.Outputs, name, 1, "output")).ToArray();
            var forecaster = new LoadForecaster(session, spec, version, index, upper);
            var probe = forecaster.PredictFromFeatures(new float[spec.FeatureCount], Math.Log(100 + spec.Offset));
            if (!double.IsFinite(probe.Mean) || !double.IsFinite(probe.Upper) || !(probe.Std >= 0))
            {
                forecaster.Dispose();
                throw new InvalidDataException($"the model's probe prediction is not finite (mean {probe.Mean}, std {probe.Std})");
            }

            return forecaster;
        }
        catch (OnnxRuntimeException e)
        {
            session.Dispose();
            throw new InvalidDataException($"the model does not run: {e.Message}", e);
        }
        catch (InvalidDataException)
        {
            session.Dispose();
            throw;
        }
    }

    private static int Expect(IReadOnlyList<OnnxValueInfo> values, string name, long width, string what)
    {
        for (var i = 0; i < values.Count; i++)
        {
            var v = values[i];
            if (v.Name != name)
            {
                continue;
            }

            if (!v.IsTensor || v.ElementType != OnnxElementType.Float || v.Shape.Count != 2 || v.Shape[1] != width)
            {
                throw new InvalidDataException($"the model's {what} {v} has the wrong type or shape, expected {name}: Float[batch,{width}]");
            }

            return i;
        }

        throw new InvalidDataException($"the model has no {what} '{name}' (it has {string.Join(", ", values.Select(x => x.Name))})");
    }

    /// <summary>Predicts the load <see cref="FeatureSpec.Horizon"/> steps after the last of <paramref name="history"/>.</summary>
    public LoadPrediction Predict(ReadOnlySpan<double> history, DateTimeOffset lastTime)
    {
        var level = FeatureBuilder.Compute(Spec, history, lastTime, _one.Input(0));
        _one.Input(1)[0] = (float)level;
        return RunOne();
    }

    private LoadPrediction PredictFromFeatures(float[] features, double level)
    {
        features.CopyTo(_one.Input(0));
        _one.Input(1)[0] = (float)level;
        return RunOne();
    }

    private LoadPrediction RunOne()
    {
        _one.Run();
        return new LoadPrediction(
            _one.Output(_outputIndex[0])[0], _one.Output(_outputIndex[1])[0], _one.Output(_outputIndex[2])[0],
            _one.Output(_outputIndex[3])[0], _one.Output(_outputIndex[4])[0], _one.Output(_outputIndex[5])[0]);
    }

    /// <summary>Many predictions in one call (evaluation): rows of a training set.</summary>
    public LoadPrediction[] PredictRows(TrainingSet rows)
    {
        var n = rows.Count;
        var features = OnnxTensor.FromFloats([.. rows.Features], n, Spec.FeatureCount);
        var levels = OnnxTensor.FromFloats([.. rows.Levels.Select(l => (float)l)], n, 1);
        var outputs = _session.Run([features, levels]);
        var o = _outputIndex.Select(i => outputs[i].As<float>().ToArray()).ToArray();
        var result = new LoadPrediction[n];
        for (var i = 0; i < n; i++)
        {
            result[i] = new LoadPrediction(o[0][i], o[1][i], o[2][i], o[3][i], o[4][i], o[5][i]);
        }

        return result;
    }

    public void Dispose()
    {
        _one.Dispose();
        _session.Dispose();
    }
}
