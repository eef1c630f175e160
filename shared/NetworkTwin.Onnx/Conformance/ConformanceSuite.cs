using NetworkTwin.Onnx.Format;
using NetworkTwin.Onnx.Runtime;

namespace NetworkTwin.Onnx.Conformance;

public enum ConformanceVerdict
{
    Passed,
    Failed,
    /// <summary>The model imports an opset below 7, outside the target.</summary>
    OldOpset,
    /// <summary>An input or output is not a tensor of a type the binding carries (strings, sequences, maps, optionals).</summary>
    UnsupportedType,
    /// <summary>ONNX Runtime itself has no kernel for an operator of the model (or for the attribute values it uses).</summary>
    NoKernel,
    /// <summary>The outputs are random draws (Bernoulli, RandomUniform, training-mode Dropout): type and shape checked, values cannot be.</summary>
    RandomShapeChecked,
}

public sealed record ConformanceCase(string Suite, string Name, ConformanceVerdict Verdict, string Detail);

/// <summary>
/// The ONNX backend test data (Debian libonnx-testdata: model.onnx plus test_data_set_*/input_N.pb and
/// output_N.pb) run through the binding; outputs compared as ONNX's own runner does (rtol 1e-3, atol 1e-7, NaN equal).
/// </summary>
public static class ConformanceSuite
{
    public const string DebianRoot = "/usr/share/libonnx-testdata/data";

    public const double RelativeTolerance = 1e-3;
    public const double AbsoluteTolerance = 1e-7;

    /// <summary>Every model directory under <paramref name="root"/> (suite/name/model.onnx), sorted.</summary>
    public static IReadOnlyList<string> Discover(string root) =>
        [.. Directory.EnumerateFiles(root, "model.onnx", SearchOption.AllDirectories).Select(f => Path.GetDirectoryName(f)!).Order(StringComparer.Ordinal)];

    public static ConformanceCase Run(string root, string directory)
    {
        var relative = Path.GetRelativePath(root, directory);
        var suite = relative.Split(Path.DirectorySeparatorChar)[0];
        var name = Path.GetFileName(directory);
        var (verdict, detail) = Check(directory);
        return new ConformanceCase(suite, name, verdict, detail);
    }

    private static (ConformanceVerdict, string) Check(string directory)
    {
        var bytes = File.ReadAllBytes(Path.Combine(directory, "model.onnx"));
        var model = ModelProto.Parser.ParseFrom(bytes);
        var opset = model.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version).DefaultIfEmpty(0).Max();
        if (opset < 7)
        {
            return (ConformanceVerdict.OldOpset, $"opset {opset}");
        }

        var initializers = model.Graph.Initializer.Select(i => i.Name).ToHashSet();
        foreach (var value in model.Graph.Input.Where(i => !initializers.Contains(i.Name)).Concat(model.Graph.Output))
        {
            if (value.Type?.TensorType is null || !((OnnxElementType)value.Type.TensorType.ElemType).IsSupported())
            {
                return (ConformanceVerdict.UnsupportedType, $"'{value.Name}' is {Describe(value.Type)}");
            }
        }

        var random = model.Graph.Node.Any(n => RandomOps.Contains(n.OpType) || (n.OpType == "Dropout" && n.Input.Count >= 3 && n.Input[2].Length > 0));

        OnnxSession session;
        try
        {
            session = OnnxSession.Load(bytes);
        }
        catch (OnnxRuntimeException e) when (IsMissingKernel(e.Message))
        {
            return (ConformanceVerdict.NoKernel, FirstLine(e.Message));
        }
        catch (OnnxRuntimeException e)
        {
            return (ConformanceVerdict.Failed, "load: " + FirstLine(e.Message));
        }

        using (session)
        {
            var sets = Directory.GetDirectories(directory, "test_data_set_*").Order(StringComparer.Ordinal).ToList();
            if (sets.Count == 0)
            {
                return (ConformanceVerdict.Failed, "no test_data_set_* directory");
            }

            foreach (var set in sets)
            {
                var problem = RunSet(session, set, random);
                if (problem is not null)
                {
                    return (ConformanceVerdict.Failed, $"{Path.GetFileName(set)}: {problem}");
                }
            }
        }

        return random ? (ConformanceVerdict.RandomShapeChecked, "random outputs: type and shape match") : (ConformanceVerdict.Passed, "");
    }

    private static readonly HashSet<string> RandomOps = ["Bernoulli", "RandomNormal", "RandomNormalLike", "RandomUniform", "RandomUniformLike", "Multinomial"];

    private static string? RunSet(OnnxSession session, string set, bool random)
    {
        var inputs = ReadTensors(set, "input");
        var expected = ReadTensors(set, "output");
        var ordered = new OnnxTensor[session.Inputs.Count];
        for (var i = 0; i < session.Inputs.Count; i++)
        {
            // By name where the file names its tensor, else by position (both orders are the graph's).
            var byName = inputs.FindIndex(t => t.Name == session.Inputs[i].Name);
            var index = byName >= 0 ? byName : i;
            if (index >= inputs.Count)
            {
                return $"no data for input '{session.Inputs[i].Name}'";
            }

            ordered[i] = AsDeclared(inputs[index].Tensor, session.Inputs[i].ElementType);
        }

        OnnxTensor[] actual;
        try
        {
            actual = session.Run(ordered);
        }
        catch (OnnxRuntimeException e)
        {
            return "run: " + FirstLine(e.Message);
        }

        for (var i = 0; i < expected.Count; i++)
        {
            var byName = session.Outputs.Select(o => o.Name).ToList().IndexOf(expected[i].Name);
            var index = byName >= 0 ? byName : i;
            var want = AsDeclared(expected[i].Tensor, actual[index].ElementType);
            var problem = random
                ? (want.ElementType == actual[index].ElementType && want.Shape.SequenceEqual(actual[index].Shape) ? null : $"{actual[index]}, expected {want}")
                : Compare(actual[index], want);
            if (problem is not null)
            {
                return $"output '{session.Outputs[index].Name}': {problem}";
            }
        }

        return null;
    }

    private static List<(string Name, OnnxTensor Tensor)> ReadTensors(string set, string prefix)
    {
        var list = new List<(string, OnnxTensor)>();
        for (var i = 0; ; i++)
        {
            var file = Path.Combine(set, $"{prefix}_{i}.pb");
            if (!File.Exists(file))
            {
                return list;
            }

            var proto = TensorProto.Parser.ParseFrom(File.ReadAllBytes(file));
            list.Add((proto.Name, TensorCodec.FromProto(proto)));
        }
    }

    // ONNX 1.12's test data stores bfloat16 tensors as uint16 bit patterns (its own runner reinterprets them too).
    private static OnnxTensor AsDeclared(OnnxTensor tensor, OnnxElementType declared) =>
        tensor.ElementType == OnnxElementType.UInt16 && declared == OnnxElementType.BFloat16
            ? new OnnxTensor(declared, tensor.Shape, tensor.Data)
            : tensor;

    /// <summary>Null when <paramref name="actual"/> matches <paramref name="expected"/> within the tolerances, else what differs.</summary>
    public static string? Compare(OnnxTensor actual, OnnxTensor expected)
    {
        if (actual.ElementType != expected.ElementType)
        {
            return $"type {actual.ElementType}, expected {expected.ElementType}";
        }

        if (!actual.Shape.SequenceEqual(expected.Shape))
        {
            return $"shape [{string.Join(",", actual.Shape)}], expected [{string.Join(",", expected.Shape)}]";
        }

        return actual.ElementType switch
        {
            OnnxElementType.Float or OnnxElementType.Complex64 => Close(actual.As<float>(), expected.As<float>(), x => x),
            OnnxElementType.Double or OnnxElementType.Complex128 => Close(actual.As<double>(), expected.As<double>(), x => x),
            OnnxElementType.Float16 => Close(actual.As<Half>(), expected.As<Half>(), x => (double)x),
            OnnxElementType.BFloat16 => Close(actual.As<ushort>(), expected.As<ushort>(), x => (double)BitConverter.Int32BitsToSingle(x << 16)),
            _ => actual.Data.AsSpan().SequenceEqual(expected.Data) ? null : "values differ",
        };
    }

    private static string? Close<T>(ReadOnlySpan<T> actual, ReadOnlySpan<T> expected, Func<T, double> value)
        where T : unmanaged
    {
        for (var i = 0; i < actual.Length; i++)
        {
            double a = value(actual[i]), e = value(expected[i]);
            if (double.IsNaN(e) ? double.IsNaN(a) : (a == e || Math.Abs(a - e) <= AbsoluteTolerance + (RelativeTolerance * Math.Abs(e))))
            {
                continue;
            }

            return $"element {i} is {a:G6}, expected {e:G6}";
        }

        return null;
    }

    private static bool IsMissingKernel(string message) =>
        message.Contains("NOT_IMPLEMENTED", StringComparison.Ordinal)
        || message.Contains("Could not find an implementation", StringComparison.Ordinal)
        || message.Contains("is not a registered function/op", StringComparison.Ordinal)
        || message.Contains("are not supported. If you need support create a github issue", StringComparison.Ordinal);

    private static string Describe(TypeProto? type) => type switch
    {
        null => "untyped",
        { TensorType: { } t } => $"a {(OnnxElementType)t.ElemType} tensor",
        { SequenceType: not null } => "a sequence",
        { OptionalType: not null } => "an optional",
        _ => "not a tensor",
    };

    private static string FirstLine(string text)
    {
        var line = text.Split('\n')[0];
        return line.Length > 200 ? line[..200] + "..." : line;
    }
}
