using Microsoft.ML.OnnxRuntime;

namespace NetworkTwin.Onnx.Runtime;

/// <summary>
/// Fixed-shape float inputs and outputs of one model in pinned buffers, each wrapped once in an
/// <see cref="OrtValue"/> and bound once to an <see cref="OrtIoBinding"/>: a call writes the inputs in place,
/// runs with the binding, and reads the outputs in place, with no allocation in steady state.
/// Not thread-safe (one per worker); the session must outlive it.
/// </summary>
public sealed class OnnxBinding : IDisposable
{
    private readonly OnnxSession _session;
    private readonly float[][] _inputs;
    private readonly float[][] _outputs;
    private readonly OrtValue[] _values;
    private readonly OrtIoBinding _binding;
    private readonly RunOptions _runOptions = new();
    private bool _disposed;

    internal OnnxBinding(OnnxSession session, IReadOnlyList<long[]> inputShapes, IReadOnlyList<long[]> outputShapes)
    {
        _session = session;
        _inputs = [.. inputShapes.Select(s => GC.AllocateArray<float>(checked((int)OnnxTensor.ElementCount(s)), pinned: true))];
        _outputs = [.. outputShapes.Select(s => GC.AllocateArray<float>(checked((int)OnnxTensor.ElementCount(s)), pinned: true))];
        var inputValues = _inputs.Select((buffer, i) => OrtValue.CreateTensorValueFromMemory(buffer, inputShapes[i])).ToArray();
        var outputValues = _outputs.Select((buffer, i) => OrtValue.CreateTensorValueFromMemory(buffer, outputShapes[i])).ToArray();
        _values = [.. inputValues, .. outputValues];
        _binding = session.Session.CreateIoBinding();
        for (var i = 0; i < inputValues.Length; i++)
        {
            _binding.BindInput(session.Inputs[i].Name, inputValues[i]);
        }

        for (var i = 0; i < outputValues.Length; i++)
        {
            _binding.BindOutput(session.Outputs[i].Name, outputValues[i]);
        }

        InputShapes = inputShapes;
        OutputShapes = outputShapes;
    }

    public IReadOnlyList<long[]> InputShapes { get; }

    public IReadOnlyList<long[]> OutputShapes { get; }

    /// <summary>Input <paramref name="index"/>'s buffer: write the next call's values here.</summary>
    public Span<float> Input(int index) => _inputs[index];

    /// <summary>Output <paramref name="index"/> of the last call.</summary>
    public ReadOnlySpan<float> Output(int index) => _outputs[index];

    /// <summary>Runs the model on the input buffers into the output buffers.</summary>
    public void Run()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            _session.Session.RunWithBinding(_runOptions, _binding);
        }
        catch (Microsoft.ML.OnnxRuntime.OnnxRuntimeException e)
        {
            throw new OnnxRuntimeException($"running the model: {e.Message}", e);
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _binding.Dispose();
        _runOptions.Dispose();
        foreach (var v in _values)
        {
            v.Dispose();
        }
    }
}
