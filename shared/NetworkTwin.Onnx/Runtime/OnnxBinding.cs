namespace NetworkTwin.Onnx.Runtime;

/// <summary>
/// Fixed-shape float inputs and outputs of one model in pinned buffers, each wrapped once in an
/// ONNX Runtime value: a call writes the inputs in place, runs, and reads the outputs in place.
/// Not thread-safe (one per worker); the session must outlive it.
/// </summary>
public sealed unsafe class OnnxBinding : IDisposable
{
    private readonly OnnxSession _session;
    private readonly float[][] _inputs;
    private readonly float[][] _outputs;
    private readonly OrtHandle[] _inputValues;
    private readonly OrtHandle[] _outputValues;
    private readonly nint[] _pointers; // input names, input values, output names, output values: pinned, contiguous
    private bool _disposed;

    internal OnnxBinding(OnnxSession session, IReadOnlyList<long[]> inputShapes, IReadOnlyList<long[]> outputShapes)
    {
        _session = session;
        var api = OnnxRuntime.Api;
        _inputs = [.. inputShapes.Select(s => GC.AllocateArray<float>(checked((int)OnnxTensor.ElementCount(s)), pinned: true))];
        _outputs = [.. outputShapes.Select(s => GC.AllocateArray<float>(checked((int)OnnxTensor.ElementCount(s)), pinned: true))];
        _inputValues = [.. _inputs.Select((buffer, i) => Wrap(api, buffer, inputShapes[i]))];
        _outputValues = [.. _outputs.Select((buffer, i) => Wrap(api, buffer, outputShapes[i]))];
        InputShapes = inputShapes;
        OutputShapes = outputShapes;

        var n = _inputs.Length;
        var m = _outputs.Length;
        _pointers = GC.AllocateArray<nint>((2 * n) + (2 * m), pinned: true);
        for (var i = 0; i < n; i++)
        {
            _pointers[i] = (nint)OnnxRuntime.Address(session.InputNames[i]);
            _pointers[n + i] = (nint)_inputValues[i].Pointer;
        }

        for (var i = 0; i < m; i++)
        {
            _pointers[(2 * n) + i] = (nint)OnnxRuntime.Address(session.OutputNames[i]);
            _pointers[(2 * n) + m + i] = (nint)_outputValues[i].Pointer;
        }
    }

    public IReadOnlyList<long[]> InputShapes { get; }

    public IReadOnlyList<long[]> OutputShapes { get; }

    /// <summary>Input <paramref name="index"/>'s buffer: write the next call's values here.</summary>
    public Span<float> Input(int index) => _inputs[index];

    /// <summary>Output <paramref name="index"/> of the last call.</summary>
    public ReadOnlySpan<float> Output(int index) => _outputs[index];

    private static OrtHandle Wrap(OrtApi api, float[] buffer, long[] shape)
    {
        fixed (long* dims = shape)
        {
            var data = buffer.Length == 0 ? null : System.Runtime.CompilerServices.Unsafe.AsPointer(ref buffer[0]);
            return new OrtHandle(api, OrtKind.Value, api.CreateTensorWithData(OnnxRuntime.CpuMemory.Pointer, data, (nuint)(buffer.Length * sizeof(float)), dims, (nuint)shape.Length, (int)OnnxElementType.Float));
        }
    }

    /// <summary>Runs the model on the input buffers into the output buffers.</summary>
    public void Run()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var api = OnnxRuntime.Api;
        var n = (nuint)_inputs.Length;
        var m = (nuint)_outputs.Length;
        fixed (nint* p = _pointers)
        {
            var status = api.Run(
                _session.Handle.Pointer,
                (byte**)p,
                (void**)(p + n),
                n,
                (byte**)(p + (2 * n)),
                m,
                (void**)(p + (2 * n) + m));
            api.Check(status, "running the model");
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var v in _inputValues.Concat(_outputValues))
        {
            v.Dispose();
        }
    }
}
