using System.Runtime.InteropServices;
using Google.Protobuf;

namespace NetworkTwin.Onnx.Format;

/// <summary>ONNX TensorProto to and from <see cref="OnnxTensor"/> (raw_data or the typed fields).</summary>
public static class TensorCodec
{
    public static TensorProto ToProto(string name, OnnxTensor tensor)
    {
        var proto = new TensorProto { Name = name, DataType = (int)tensor.ElementType, RawData = ByteString.CopyFrom(tensor.Data) };
        proto.Dims.AddRange(tensor.Shape);
        return proto;
    }

    /// <summary>Reads a tensor; throws <see cref="FormatException"/> naming the tensor for what the binding cannot carry.</summary>
    public static OnnxTensor FromProto(TensorProto proto)
    {
        var type = (OnnxElementType)proto.DataType;
        var label = string.IsNullOrEmpty(proto.Name) ? "tensor" : $"tensor '{proto.Name}'";
        if (!type.IsSupported())
        {
            throw new FormatException($"{label} has element type {type} ({proto.DataType}), which the binding does not carry");
        }

        if (proto.ExternalData.Count > 0)
        {
            throw new FormatException($"{label} keeps its data in an external file, which NetworkTwin does not read");
        }

        var count = OnnxTensor.ElementCount(proto.Dims);
        var size = type.Size();
        byte[] data;
        if (!proto.RawData.IsEmpty)
        {
            data = proto.RawData.ToByteArray();
        }
        else
        {
            data = new byte[count * size];
            var span = data.AsSpan();
            switch (type)
            {
                case OnnxElementType.Float or OnnxElementType.Complex64:
                    MemoryMarshal.AsBytes(proto.FloatData.ToArray().AsSpan()).CopyTo(span);
                    break;
                case OnnxElementType.Double or OnnxElementType.Complex128:
                    MemoryMarshal.AsBytes(proto.DoubleData.ToArray().AsSpan()).CopyTo(span);
                    break;
                case OnnxElementType.Int64:
                    MemoryMarshal.AsBytes(proto.Int64Data.ToArray().AsSpan()).CopyTo(span);
                    break;
                case OnnxElementType.UInt64:
                    MemoryMarshal.AsBytes(proto.Uint64Data.ToArray().AsSpan()).CopyTo(span);
                    break;
                case OnnxElementType.UInt32:
                    for (var i = 0; i < proto.Uint64Data.Count && i < count; i++)
                    {
                        MemoryMarshal.Write(span[(i * 4)..], (uint)proto.Uint64Data[i]);
                    }

                    break;
                default:
                    // int32_data carries Int32 and every narrower integer type, Bool and the 16-bit floats (as bit patterns).
                    for (var i = 0; i < proto.Int32Data.Count && i < count; i++)
                    {
                        var v = proto.Int32Data[i];
                        switch (size)
                        {
                            case 1: span[i] = (byte)v; break;
                            case 2: MemoryMarshal.Write(span[(i * 2)..], (ushort)v); break;
                            default: MemoryMarshal.Write(span[(i * 4)..], v); break;
                        }
                    }

                    break;
            }
        }

        if (data.LongLength != count * size)
        {
            throw new FormatException($"{label}: shape [{string.Join(",", proto.Dims)}] of {type} needs {count * size} bytes, the data has {data.LongLength}");
        }

        return new OnnxTensor(type, proto.Dims, data);
    }
}
