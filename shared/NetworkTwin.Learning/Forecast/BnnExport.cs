using System.Globalization;
using NetworkTwin.Onnx;
using NetworkTwin.Onnx.Format;

namespace NetworkTwin.Learning.Forecast;

/// <summary>
/// Writes a trained <see cref="BayesianMlp"/> as one ONNX graph: posterior weight samples are baked in
/// as stacked tensors, all samples run in one batched MatMul per layer, and the graph mixes them into
/// the predictive distribution, so one call returns the mean, standard deviation and 90% interval of the
/// next load.
/// Inputs: <c>features</c> [N, F] (from <see cref="FeatureBuilder"/>) and <c>level</c> [N, 1] = z(t).
/// Outputs, each [N, 1], in the load's unit: <c>mean</c>, <c>std</c>, <c>median</c>, <c>lower</c> and
/// <c>upper</c> (5% and 95%), plus <c>log_std</c>, the spread of log(load + Offset).
/// </summary>
public static class BnnExport
{
    public const string ModelKindKey = "networktwin.kind";
    public const string ModelKind = "load-forecast-bnn";
    public const string VersionKey = "networktwin.version";
    public const string UpperScoresKey = "networktwin.upper_scores";

    public static readonly string[] OutputNames = ["mean", "std", "median", "lower", "upper", "log_std"];

    public static byte[] ToOnnx(BayesianMlp net, FeatureSpec spec, int samples, int seed, long version, string description)
    {
        var rng = new Random(seed);
        var draws = Enumerable.Range(0, samples).Select(_ => net.SampleWeights(rng)).ToList();
        return ToOnnx(net, spec, draws, version, description);
    }

    public static byte[] ToOnnx(BayesianMlp net, FeatureSpec spec, IReadOnlyList<double[][]> draws, long version, string description)
    {
        var f = spec.FeatureCount;
        var s = draws.Count;
        var sizes = net.Sizes;
        var b = new OnnxModelBuilder("load_forecast")
            .Describe(description)
            .Metadata(ModelKindKey, ModelKind)
            .Metadata(VersionKey, version.ToString(CultureInfo.InvariantCulture))
            .Metadata(FeatureSpec.MetadataKey, spec.ToJson())
            .Metadata("networktwin.posterior_samples", s.ToString(CultureInfo.InvariantCulture))
            .Metadata("networktwin.temperature", net.Temperature.ToString("R", CultureInfo.InvariantCulture))
            .Metadata("networktwin.noise", net.Laplace ? "laplace" : "gaussian")
            .Metadata(UpperScoresKey, System.Text.Json.JsonSerializer.Serialize(net.UpperScores.ToDictionary(p => p.Key.ToString("R", CultureInfo.InvariantCulture), p => p.Value), ModelJson.Default.DictionaryStringDouble))
            .Input("features", OnnxElementType.Float, -1, f)
            .Input("level", OnnxElementType.Float, -1, 1)
            .Initializer("feature_mean", Floats(net.FeatureMean, f))
            .Initializer("feature_std", Floats(net.FeatureStd, f))
            .Initializer("axis0", OnnxTensor.FromInt64s([0], 1))
            .Node("Sub", ["features", "feature_mean"], ["centred"])
            .Node("Div", ["centred", "feature_std"], ["standard"])
            .Node("Unsqueeze", ["standard", "axis0"], ["h0"]);

        var input = "h0";
        for (var l = 0; l < sizes.Count - 1; l++)
        {
            int nin = sizes[l], nout = sizes[l + 1];
            var weights = new float[s * nin * nout];
            var biases = new float[s * nout];
            for (var k = 0; k < s; k++)
            {
                var w = draws[k][l];
                for (var i = 0; i < nin * nout; i++)
                {
                    weights[(k * nin * nout) + i] = (float)w[i];
                }

                for (var o = 0; o < nout; o++)
                {
                    biases[(k * nout) + o] = (float)w[(nin * nout) + o];
                }
            }

            b.Initializer($"W{l}", OnnxTensor.FromFloats(weights, s, nin, nout))
             .Initializer($"b{l}", OnnxTensor.FromFloats(biases, s, 1, nout))
             .Node("MatMul", [input, $"W{l}"], [$"mm{l}"])
             .Node("Add", [$"mm{l}", $"b{l}"], [$"z{l}"]);
            if (l < sizes.Count - 2)
            {
                b.Node("Relu", [$"z{l}"], [$"h{l + 1}"]);
                input = $"h{l + 1}";
            }
        }

        var last = $"z{sizes.Count - 2}";
        b.Initializer("min_log_sigma", Scalar(-6f))
         .Initializer("max_log_sigma", Scalar(4f))
         .Initializer("target_mean", Scalar((float)net.TargetMean))
         .Initializer("target_scale", Scalar((float)net.TargetStd))
         .Initializer("spread_scale", Scalar((float)(net.TargetStd * net.Temperature)))
         .Initializer("offset", Scalar((float)spec.Offset))
         .Initializer("z90", Scalar(1.6448536f))
         .Initializer("half", Scalar(0.5f))
         .Initializer("one", Scalar(1f))
         .Initializer("tiny", Scalar(1e-12f))
         .Node("Split", [last], ["mu_s", "raw_log_sigma_s"], OnnxModelBuilder.IntAttribute("axis", 2))
         .Node("Clip", ["raw_log_sigma_s", "min_log_sigma", "max_log_sigma"], ["log_sigma_s"])
         .Initializer("noise_sd_per_scale", Scalar(net.Laplace ? MathF.Sqrt(2) : 1f))
         .Node("Exp", ["log_sigma_s"], ["scale_s"])
         .Node("Mul", ["scale_s", "noise_sd_per_scale"], ["sigma_s"])
         .Node("Mul", ["sigma_s", "sigma_s"], ["var_s"])
         .Node("Mul", ["mu_s", "mu_s"], ["mu2_s"])
         .Node("Add", ["var_s", "mu2_s"], ["second_s"])
         .Node("ReduceMean", ["mu_s"], ["mix_mean"], OnnxModelBuilder.IntsAttribute("axes", 0), OnnxModelBuilder.IntAttribute("keepdims", 0))
         .Node("ReduceMean", ["second_s"], ["mix_second"], OnnxModelBuilder.IntsAttribute("axes", 0), OnnxModelBuilder.IntAttribute("keepdims", 0))
         .Node("Mul", ["mix_mean", "mix_mean"], ["mix_mean2"])
         .Node("Sub", ["mix_second", "mix_mean2"], ["mix_var_raw"])
         .Node("Max", ["mix_var_raw", "tiny"], ["mix_var"])
         .Node("Sqrt", ["mix_var"], ["mix_std"])
         // Back to log(load + offset): m = level + change, s = calibrated spread.
         .Node("Mul", ["mix_mean", "target_scale"], ["change_scaled"])
         .Node("Add", ["change_scaled", "target_mean"], ["change"])
         .Node("Add", ["level", "change"], ["m"])
         .Node("Mul", ["mix_std", "spread_scale"], ["log_std"])
         // Median and the 5%/95% quantiles of the log-normal, less the offset.
         .Node("Exp", ["m"], ["median_off"])
         .Node("Sub", ["median_off", "offset"], ["median_raw"])
         .Node("Relu", ["median_raw"], ["median"])
         .Node("Mul", ["log_std", "z90"], ["reach"])
         .Node("Sub", ["m", "reach"], ["m_low"])
         .Node("Add", ["m", "reach"], ["m_high"])
         .Node("Exp", ["m_low"], ["lower_off"])
         .Node("Sub", ["lower_off", "offset"], ["lower_raw"])
         .Node("Relu", ["lower_raw"], ["lower"])
         .Node("Exp", ["m_high"], ["upper_off"])
         .Node("Sub", ["upper_off", "offset"], ["upper"])
         // Mean and standard deviation of the log-normal.
         .Node("Mul", ["log_std", "log_std"], ["s2"])
         .Node("Mul", ["s2", "half"], ["half_s2"])
         .Node("Add", ["m", "half_s2"], ["m_mean"])
         .Node("Exp", ["m_mean"], ["mean_off"])
         .Node("Sub", ["mean_off", "offset"], ["mean"])
         .Node("Exp", ["s2"], ["exp_s2"])
         .Node("Sub", ["exp_s2", "one"], ["exp_s2_m1"])
         .Node("Sqrt", ["exp_s2_m1"], ["spread_factor"])
         .Node("Mul", ["spread_factor", "mean_off"], ["std"]);

        foreach (var name in OutputNames)
        {
            b.Output(name, OnnxElementType.Float, -1, 1);
        }

        return b.ToBytes();
    }

    private static OnnxTensor Floats(double[] values, int n) => OnnxTensor.FromFloats([.. values.Select(v => (float)v)], n);

    private static OnnxTensor Scalar(float value) => OnnxTensor.FromFloats([value]);
}
