using System.Runtime.InteropServices;

namespace NetworkTwin.Onnx;

/// <summary>
/// A dense tensor held in managed memory: element type, shape and the elements' bytes in row-major,
/// little-endian order (booleans one byte each), which is both ONNX's raw_data layout and ONNX Runtime's.
/// </summary>
public sealed class OnnxTensor
{
    public OnnxTensor(OnnxElementType type, IReadOnlyList<long> shape, byte[] data)
    {
        if (!type.IsSupported())
        {
            throw new ArgumentException($"tensor element type {type} is not supported by the binding", nameof(type));
        }

        var count = ElementCount(shape);
        if (data.LongLength != count * type.Size())
        {
            throw new ArgumentException($"a {type} tensor of shape [{string.Join(",", shape)}] needs {count * type.Size()} bytes, got {data.LongLength}", nameof(data));
        }

        ElementType = type;
        Shape = [.. shape];
        Data = data;
    }

    public OnnxElementType ElementType { get; }

    public IReadOnlyList<long> Shape { get; }

    public byte[] Data { get; }

    public long Count => ElementCount(Shape);

    public static OnnxTensor FromFloats(float[] values, params long[] shape) =>
        new(OnnxElementType.Float, shape, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    public static OnnxTensor FromInt64s(long[] values, params long[] shape) =>
        new(OnnxElementType.Int64, shape, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    public ReadOnlySpan<T> As<T>()
        where T : unmanaged => MemoryMarshal.Cast<byte, T>(Data);

    public float[] ToFloats() => ElementType == OnnxElementType.Float
        ? As<float>().ToArray()
        : throw new InvalidOperationException($"the tensor holds {ElementType}, not Float");

    public static long ElementCount(IReadOnlyList<long> shape)
    {
        var count = 1L;
        foreach (var d in shape)
        {
            if (d < 0)
            {
                throw new ArgumentException($"shape [{string.Join(",", shape)}] has a negative dimension", nameof(shape));
            }

            count = checked(count * d);
        }

        return count;
    }

    public override string ToString() => $"{ElementType}[{string.Join(",", Shape)}]";
}
