using System.Runtime.InteropServices;

namespace NetworkTwin.Onnx.Runtime;

/// <summary>How a model runs. The defaults suit the 2-core edge boxes: one intra-op and one inter-op thread.</summary>
public sealed record OnnxSessionOptions
{
    public int IntraOpThreads { get; init; } = 1;

    public int InterOpThreads { get; init; } = 1;

    /// <summary>ONNX Runtime's graph optimisation level: 0 none, 1 basic, 2 extended, 99 all.</summary>
    public int OptimizationLevel { get; init; } = 99;
}

/// <summary>What a model takes or returns: name, kind, element type and dimensions (-1 where symbolic).</summary>
public sealed record OnnxValueInfo(string Name, bool IsTensor, OnnxElementType ElementType, IReadOnlyList<long> Shape)
{
    public override string ToString() => IsTensor ? $"{Name}: {ElementType}[{string.Join(",", Shape)}]" : $"{Name}: (not a tensor)";
}

/// <summary>
/// A model loaded into ONNX Runtime. <see cref="Run"/> is thread-safe and allocates its results;
/// <see cref="Bind"/> gives a fixed-shape float runner with reusable buffers for the hot path.
/// </summary>
public sealed unsafe class OnnxSession : IDisposable
{
    private readonly OrtHandle _session;
    private readonly byte[][] _inputNames;
    private readonly byte[][] _outputNames;

    private OnnxSession(OrtHandle session, IReadOnlyList<OnnxValueInfo> inputs, IReadOnlyList<OnnxValueInfo> outputs)
    {
        _session = session;
        Inputs = inputs;
        Outputs = outputs;
        _inputNames = [.. inputs.Select(i => OnnxRuntime.Utf8Z(i.Name))];
        _outputNames = [.. outputs.Select(o => OnnxRuntime.Utf8Z(o.Name))];
    }

    public IReadOnlyList<OnnxValueInfo> Inputs { get; }

    public IReadOnlyList<OnnxValueInfo> Outputs { get; }

    internal OrtHandle Handle => _session;

    internal byte[][] InputNames => _inputNames;

    internal byte[][] OutputNames => _outputNames;

    /// <summary>Loads a serialized ONNX model; a model ONNX Runtime cannot load throws <see cref="OnnxRuntimeException"/> with its reason.</summary>
    public static OnnxSession Load(ReadOnlySpan<byte> model, OnnxSessionOptions? options = null)
    {
        options ??= new OnnxSessionOptions();
        var api = OnnxRuntime.Api;
        using var sessionOptions = new OrtHandle(api, OrtKind.SessionOptions, api.CreateSessionOptions());
        api.SetIntraOpNumThreads(sessionOptions.Pointer, options.IntraOpThreads);
        api.SetInterOpNumThreads(sessionOptions.Pointer, options.InterOpThreads);
        api.SetGraphOptimizationLevel(sessionOptions.Pointer, options.OptimizationLevel);
        // No spinning worker threads between calls: the agent predicts once per window, not in a tight loop.
        api.AddSessionConfigEntry(sessionOptions.Pointer, OnnxRuntime.Address(SpinningKey), OnnxRuntime.Address(Zero));

        if (model.IsEmpty)
        {
            throw new OnnxRuntimeException("loading the model: the model is empty (0 bytes)");
        }

        OrtHandle session;
        fixed (byte* bytes = model)
        {
            session = new OrtHandle(api, OrtKind.Session, api.CreateSessionFromArray(OnnxRuntime.Env.Pointer, bytes, (nuint)model.Length, sessionOptions.Pointer));
        }

        try
        {
            var inputs = Describe(api, session, api.SessionInputCount(session.Pointer), input: true);
            var outputs = Describe(api, session, api.SessionOutputCount(session.Pointer), input: false);
            return new OnnxSession(session, inputs, outputs);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private static readonly byte[] SpinningKey = OnnxRuntime.Utf8Z("session.intra_op.allow_spinning");
    private static readonly byte[] Zero = OnnxRuntime.Utf8Z("0");

    private static List<OnnxValueInfo> Describe(OrtApi api, OrtHandle session, nuint count, bool input)
    {
        var list = new List<OnnxValueInfo>();
        for (nuint i = 0; i < count; i++)
        {
            var name = api.SessionName(session.Pointer, i, input);
            var (kind, type, shape) = api.SessionTypeInfo(session.Pointer, i, input);
            list.Add(new OnnxValueInfo(name, kind == 1, (OnnxElementType)type, shape));
        }

        return list;
    }

    /// <summary>Runs the model on <paramref name="inputs"/> (in the order of <see cref="Inputs"/>) and returns every output.</summary>
    public OnnxTensor[] Run(IReadOnlyList<OnnxTensor> inputs)
    {
        if (inputs.Count != Inputs.Count)
        {
            throw new OnnxRuntimeException($"running the model: it takes {Inputs.Count} inputs ({string.Join(", ", Inputs.Select(i => i.Name))}), {inputs.Count} were given");
        }

        var api = OnnxRuntime.Api;
        var handles = new GCHandle[inputs.Count];
        var values = stackalloc void*[Math.Max(1, inputs.Count)];
        var outputs = stackalloc void*[Math.Max(1, Outputs.Count)];
        var inputNames = stackalloc byte*[Math.Max(1, inputs.Count)];
        var outputNames = stackalloc byte*[Math.Max(1, Outputs.Count)];
        for (var i = 0; i < Outputs.Count; i++)
        {
            outputs[i] = null;
            outputNames[i] = OnnxRuntime.Address(_outputNames[i]);
        }

        var created = 0;
        var success = false;
        _session.DangerousAddRef(ref success);
        try
        {
            for (; created < inputs.Count; created++)
            {
                var tensor = inputs[created];
                inputNames[created] = OnnxRuntime.Address(_inputNames[created]);
                // An empty tensor still needs a valid address.
                var data = tensor.Data.Length == 0 ? EmptyBuffer : tensor.Data;
                handles[created] = GCHandle.Alloc(data, GCHandleType.Pinned);
                var shape = tensor.Shape.ToArray();
                fixed (long* dims = shape)
                {
                    values[created] = api.CreateTensorWithData(
                        OnnxRuntime.CpuMemory.Pointer, (void*)handles[created].AddrOfPinnedObject(), (nuint)tensor.Data.Length, dims, (nuint)shape.Length, (int)tensor.ElementType);
                }
            }

            api.Check(api.Run(_session.Pointer, inputNames, values, (nuint)inputs.Count, outputNames, (nuint)Outputs.Count, outputs), "running the model");
            var results = new OnnxTensor[Outputs.Count];
            for (var i = 0; i < Outputs.Count; i++)
            {
                results[i] = Copy(api, outputs[i], Outputs[i].Name);
            }

            return results;
        }
        finally
        {
            for (var i = 0; i < Outputs.Count; i++)
            {
                if (outputs[i] != null)
                {
                    api.ReleaseValue(outputs[i]);
                }
            }

            for (var i = 0; i < created; i++)
            {
                if (values[i] != null)
                {
                    api.ReleaseValue(values[i]);
                }

                handles[i].Free();
            }

            if (success)
            {
                _session.DangerousRelease();
            }
        }
    }

    private static readonly byte[] EmptyBuffer = new byte[1];

    private static OnnxTensor Copy(OrtApi api, void* value, string name)
    {
        var (kind, type, shape, count, data) = api.Describe(value);
        var elementType = (OnnxElementType)type;
        if (kind != 1 || !elementType.IsSupported())
        {
            throw new OnnxRuntimeException($"output '{name}' is {(kind != 1 ? "not a tensor" : $"a {elementType} tensor")}, which the binding does not carry");
        }

        var bytes = new byte[(long)count * elementType.Size()];
        if (bytes.Length > 0)
        {
            new ReadOnlySpan<byte>((void*)data, bytes.Length).CopyTo(bytes);
        }

        return new OnnxTensor(elementType, shape, bytes);
    }

    /// <summary>
    /// A runner for float inputs of fixed shapes with buffers that are reused on every call (no
    /// allocation per prediction). Output shapes are learned by one run on zeros.
    /// </summary>
    public OnnxBinding Bind(IReadOnlyList<long[]> inputShapes)
    {
        foreach (var (info, index) in Inputs.Select((info, index) => (info, index)))
        {
            if (!info.IsTensor || info.ElementType != OnnxElementType.Float)
            {
                throw new OnnxRuntimeException($"binding the model: input {index} '{info.Name}' is {info}, only float tensors can be bound");
            }
        }

        foreach (var (info, index) in Outputs.Select((info, index) => (info, index)))
        {
            if (!info.IsTensor || info.ElementType != OnnxElementType.Float)
            {
                throw new OnnxRuntimeException($"binding the model: output {index} '{info.Name}' is {info}, only float tensors can be bound");
            }
        }

        if (inputShapes.Count != Inputs.Count)
        {
            throw new OnnxRuntimeException($"binding the model: it takes {Inputs.Count} inputs, {inputShapes.Count} shapes were given");
        }

        var zeros = inputShapes.Select(s => OnnxTensor.FromFloats(new float[OnnxTensor.ElementCount(s)], s)).ToArray();
        var outputShapes = Run(zeros).Select(t => t.Shape.ToArray()).ToArray();
        return new OnnxBinding(this, inputShapes, outputShapes);
    }

    public void Dispose() => _session.Dispose();
}
