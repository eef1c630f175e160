using NetworkTwin.Onnx.Format;
using NetworkTwin.Onnx.Runtime;

namespace NetworkTwin.Onnx.Tests;

public sealed class SessionTests
{
    // y = relu(x W + b): 3 features in, 2 out, batch dimension symbolic.
    private static readonly float[] Weights = [0.5f, -1f, 2f, 0.25f, -0.5f, 1f];
    private static readonly float[] Bias = [0.1f, -0.2f];

    private static byte[] Model() => new OnnxModelBuilder("dense")
        .Input("x", OnnxElementType.Float, -1, 3)
        .Initializer("W", OnnxTensor.FromFloats(Weights, 3, 2))
        .Initializer("b", OnnxTensor.FromFloats(Bias, 2))
        .Node("MatMul", ["x", "W"], ["xw"])
        .Node("Add", ["xw", "b"], ["pre"])
        .Node("Relu", ["pre"], ["y"])
        .Output("y", OnnxElementType.Float, -1, 2)
        .Metadata("networktwin.model", "dense-test")
        .ToBytes();

    private static float[] Expected(float[] x, int rows)
    {
        var y = new float[rows * 2];
        for (var r = 0; r < rows; r++)
        {
            for (var j = 0; j < 2; j++)
            {
                var s = Bias[j];
                for (var k = 0; k < 3; k++)
                {
                    s += x[(r * 3) + k] * Weights[(k * 2) + j];
                }

                y[(r * 2) + j] = Math.Max(0, s);
            }
        }

        return y;
    }

    [Fact]
    public void A_model_written_by_the_builder_runs_and_describes_its_inputs_and_outputs()
    {
        using var session = OnnxSession.Load(Model());
        Assert.Equal("x", Assert.Single(session.Inputs).Name);
        Assert.Equal([-1L, 3L], session.Inputs[0].Shape);
        Assert.Equal(OnnxElementType.Float, session.Outputs[0].ElementType);

        float[] x = [1, 2, 3, -1, 0.5f, 4];
        var y = Assert.Single(session.Run([OnnxTensor.FromFloats(x, 2, 3)]));
        Assert.Equal([2L, 2L], y.Shape);
        Assert.Equal(Expected(x, 2), y.ToFloats(), (a, b) => Math.Abs(a - b) < 1e-5);
        Assert.Equal("dense-test", OnnxModelBuilder.ReadMetadata(Model())["networktwin.model"]);
    }

    [Fact]
    public void A_binding_reuses_its_buffers_across_calls()
    {
        using var session = OnnxSession.Load(Model());
        using var binding = session.Bind([[1, 3]]);
        var rng = new Random(7);
        for (var call = 0; call < 50; call++)
        {
            var x = Enumerable.Range(0, 3).Select(_ => (float)((rng.NextDouble() * 4) - 2)).ToArray();
            x.CopyTo(binding.Input(0));
            binding.Run();
            Assert.Equal(Expected(x, 1), binding.Output(0).ToArray(), (a, b) => Math.Abs(a - b) < 1e-5);
        }
    }

    [Fact]
    public void A_corrupt_model_is_refused_with_the_reason()
    {
        var bytes = Model();
        var corrupt = bytes[..(bytes.Length / 2)];
        var e = Assert.Throws<OnnxRuntimeException>(() => OnnxSession.Load(corrupt));
        Assert.Contains("loading the model", e.Message, StringComparison.Ordinal);
        Assert.Throws<OnnxRuntimeException>(() => OnnxSession.Load([]));
    }

    [Fact]
    public void Wrong_inputs_are_refused_and_the_session_keeps_working()
    {
        using var session = OnnxSession.Load(Model());
        var count = Assert.Throws<OnnxRuntimeException>(() => session.Run([]));
        Assert.Contains("takes 1 inputs (x)", count.Message, StringComparison.Ordinal);
        var shape = Assert.Throws<OnnxRuntimeException>(() => session.Run([OnnxTensor.FromFloats(new float[4], 2, 2)]));
        Assert.Contains("running the model", shape.Message, StringComparison.Ordinal);
        Assert.Single(session.Run([OnnxTensor.FromFloats([1, 1, 1], 1, 3)]));
    }

    [Fact]
    public void A_graph_that_references_a_missing_value_is_refused_at_load()
    {
        var bad = new OnnxModelBuilder("broken")
            .Input("x", OnnxElementType.Float, 1, 3)
            .Node("Relu", ["nowhere"], ["y"])
            .Output("y", OnnxElementType.Float, 1, 3)
            .ToBytes();
        var e = Assert.Throws<OnnxRuntimeException>(() => OnnxSession.Load(bad));
        Assert.Contains("nowhere", e.Message, StringComparison.Ordinal);
    }
}
