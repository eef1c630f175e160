using Google.Protobuf;

namespace NetworkTwin.Onnx.Format;

/// <summary>
/// Writes an ONNX model (IR version 8, default opset domain) node by node: how the coordinator turns
/// what it learned into a file ONNX Runtime at the edge can run.
/// </summary>
public sealed class OnnxModelBuilder
{
    public const long IrVersion = 8;

    private readonly ModelProto _model;
    private readonly GraphProto _graph;
    private int _nodes;

    public OnnxModelBuilder(string graphName, int opset = 17, string producer = "networktwin")
    {
        _graph = new GraphProto { Name = graphName };
        _model = new ModelProto { IrVersion = IrVersion, ProducerName = producer, ProducerVersion = "1", Graph = _graph };
        _model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
    }

    /// <summary>A graph input; a negative dimension becomes a symbolic one ("batch").</summary>
    public OnnxModelBuilder Input(string name, OnnxElementType type, params long[] shape)
    {
        _graph.Input.Add(ValueInfo(name, type, shape));
        return this;
    }

    public OnnxModelBuilder Output(string name, OnnxElementType type, params long[] shape)
    {
        _graph.Output.Add(ValueInfo(name, type, shape));
        return this;
    }

    public OnnxModelBuilder Initializer(string name, OnnxTensor value)
    {
        _graph.Initializer.Add(TensorCodec.ToProto(name, value));
        return this;
    }

    public OnnxModelBuilder Node(string opType, IEnumerable<string> inputs, IEnumerable<string> outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = $"{opType}_{_nodes++}" };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return this;
    }

    public OnnxModelBuilder Metadata(string key, string value)
    {
        _model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return this;
    }

    public OnnxModelBuilder Describe(string text)
    {
        _model.DocString = text;
        return this;
    }

    public ModelProto Build() => _model.Clone();

    public byte[] ToBytes() => _model.ToByteArray();

    public static AttributeProto IntAttribute(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto FloatAttribute(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto IntsAttribute(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    private static ValueInfoProto ValueInfo(string name, OnnxElementType type, long[] shape)
    {
        var tensorShape = new TensorShapeProto();
        foreach (var d in shape)
        {
            tensorShape.Dim.Add(d < 0 ? new TensorShapeProto.Types.Dimension { DimParam = "batch" } : new TensorShapeProto.Types.Dimension { DimValue = d });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = tensorShape } },
        };
    }

    /// <summary>The metadata of a serialized model (key to value), for checks before loading it.</summary>
    public static IReadOnlyDictionary<string, string> ReadMetadata(ReadOnlySpan<byte> model)
    {
        ModelProto proto;
        try
        {
            proto = ModelProto.Parser.ParseFrom(model);
        }
        catch (Google.Protobuf.InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"the model is not an ONNX file: {e.Message}", e);
        }

        // Found by the fuzzer: a key twice made ToDictionary throw an ArgumentException no caller expected.
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in proto.MetadataProps)
        {
            if (!metadata.TryAdd(p.Key, p.Value))
            {
                throw new InvalidDataException($"the model's metadata has the key '{p.Key}' twice");
            }
        }

        return metadata;
    }
}
