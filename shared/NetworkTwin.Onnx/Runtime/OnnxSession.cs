using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

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
/// A model loaded into ONNX Runtime (its managed API). <see cref="Run"/> is thread-safe and allocates its
/// results; <see cref="Bind"/> gives a fixed-shape float runner with reusable buffers for the hot path.
/// </summary>
public sealed class OnnxSession : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;

    private OnnxSession(InferenceSession session, IReadOnlyList<OnnxValueInfo> inputs, IReadOnlyList<OnnxValueInfo> outputs)
    {
        _session = session;
        Inputs = inputs;
        Outputs = outputs;
        _inputNames = [.. inputs.Select(i => i.Name)];
        _outputNames = [.. outputs.Select(o => o.Name)];
    }

    public IReadOnlyList<OnnxValueInfo> Inputs { get; }

    public IReadOnlyList<OnnxValueInfo> Outputs { get; }

    internal InferenceSession Session => _session;

    /// <summary>Loads a serialized ONNX model; a model ONNX Runtime cannot load throws <see cref="OnnxRuntimeException"/> with its reason.</summary>
    public static OnnxSession Load(ReadOnlySpan<byte> model, OnnxSessionOptions? options = null)
    {
        options ??= new OnnxSessionOptions();
        if (model.IsEmpty)
        {
            throw new OnnxRuntimeException("loading the model: the model is empty (0 bytes)");
        }

        _ = OnnxRuntime.Env;
        using var sessionOptions = new SessionOptions
        {
            IntraOpNumThreads = options.IntraOpThreads,
            InterOpNumThreads = options.InterOpThreads,
            GraphOptimizationLevel = (GraphOptimizationLevel)options.OptimizationLevel,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL,
        };

        // No spinning worker threads between calls: the agent predicts once per window, not in a tight loop.
        sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        InferenceSession session;
        try
        {
            session = new InferenceSession(model.ToArray(), sessionOptions);
        }
        catch (OnnxRuntimeException)
        {
            throw;
        }
        catch (Exception e) when (e is Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
        {
            throw new OnnxRuntimeException($"loading the model: {e.Message}", e);
        }

        try
        {
            return new OnnxSession(session, Describe(session.InputMetadata, session.InputNames), Describe(session.OutputMetadata, session.OutputNames));
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private static List<OnnxValueInfo> Describe(IReadOnlyDictionary<string, NodeMetadata> metadata, IReadOnlyList<string> names) =>
        [.. names.Select(name =>
        {
            var node = metadata[name];
            var tensor = node.OnnxValueType == OnnxValueType.ONNX_TYPE_TENSOR;
            return new OnnxValueInfo(name, tensor, tensor ? (OnnxElementType)(int)node.ElementDataType : OnnxElementType.Undefined, tensor ? node.Dimensions.Select(d => (long)d).ToArray() : []);
        })];

    /// <summary>Runs the model on <paramref name="inputs"/> (in the order of <see cref="Inputs"/>) and returns every output.</summary>
    public OnnxTensor[] Run(IReadOnlyList<OnnxTensor> inputs)
    {
        if (inputs.Count != Inputs.Count)
        {
            throw new OnnxRuntimeException($"running the model: it takes {Inputs.Count} inputs ({string.Join(", ", Inputs.Select(i => i.Name))}), {inputs.Count} were given");
        }

        var handles = new GCHandle[inputs.Count];
        var values = new OrtValue[inputs.Count];
        var created = 0;
        try
        {
            for (; created < inputs.Count; created++)
            {
                var tensor = inputs[created];

                // An empty tensor still needs a valid address.
                var data = tensor.Data.Length == 0 ? EmptyBuffer : tensor.Data;
                handles[created] = GCHandle.Alloc(data, GCHandleType.Pinned);
                values[created] = OrtValue.CreateTensorValueWithData(
                    OrtMemoryInfo.DefaultInstance, (TensorElementType)(int)tensor.ElementType, [.. tensor.Shape], handles[created].AddrOfPinnedObject(), tensor.Data.Length);
            }

            using var runOptions = new RunOptions();
            using var outputs = _session.Run(runOptions, _inputNames, values, _outputNames);
            var results = new OnnxTensor[Outputs.Count];
            var i = 0;
            foreach (var output in outputs)
            {
                results[i] = Copy(output, Outputs[i].Name);
                i++;
            }

            return results;
        }
        catch (Microsoft.ML.OnnxRuntime.OnnxRuntimeException e)
        {
            throw new OnnxRuntimeException($"running the model: {e.Message}", e);
        }
        finally
        {
            for (var i = 0; i < created; i++)
            {
                values[i]?.Dispose();
                handles[i].Free();
            }
        }
    }

    private static readonly byte[] EmptyBuffer = new byte[1];

    private static OnnxTensor Copy(OrtValue value, string name)
    {
        if (!value.IsTensor)
        {
            throw new OnnxRuntimeException($"output '{name}' is not a tensor, which the binding does not carry");
        }

        var info = value.GetTensorTypeAndShape();
        var elementType = (OnnxElementType)(int)info.ElementDataType;
        if (!elementType.IsSupported())
        {
            throw new OnnxRuntimeException($"output '{name}' is a {elementType} tensor, which the binding does not carry");
        }

        var bytes = new byte[info.ElementCount * elementType.Size()];
        if (bytes.Length > 0)
        {
            value.GetTensorMutableRawData()[..bytes.Length].CopyTo(bytes);
        }

        return new OnnxTensor(elementType, info.Shape, bytes);
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
