namespace NetworkTwin.Onnx;

/// <summary>Tensor element types; the values are ONNX's TensorProto.DataType (and ONNX Runtime's, which match).</summary>
// The names are ONNX's own (TensorProto.DataType), so they read like the specification.
#pragma warning disable CA1720
public enum OnnxElementType
{
    Undefined = 0,
    Float = 1,
    UInt8 = 2,
    Int8 = 3,
    UInt16 = 4,
    Int16 = 5,
    Int32 = 6,
    Int64 = 7,
    String = 8,
    Bool = 9,
    Float16 = 10,
    Double = 11,
    UInt32 = 12,
    UInt64 = 13,
    Complex64 = 14,
    Complex128 = 15,
    BFloat16 = 16,
}
#pragma warning restore CA1720

public static class OnnxElementTypes
{
    /// <summary>Bytes per element, or 0 for types the binding does not carry (strings, undefined, newer types).</summary>
    public static int Size(this OnnxElementType type) => type switch
    {
        OnnxElementType.Float or OnnxElementType.Int32 or OnnxElementType.UInt32 => 4,
        OnnxElementType.UInt8 or OnnxElementType.Int8 or OnnxElementType.Bool => 1,
        OnnxElementType.UInt16 or OnnxElementType.Int16 or OnnxElementType.Float16 or OnnxElementType.BFloat16 => 2,
        OnnxElementType.Int64 or OnnxElementType.UInt64 or OnnxElementType.Double or OnnxElementType.Complex64 => 8,
        OnnxElementType.Complex128 => 16,
        _ => 0,
    };

    public static bool IsSupported(this OnnxElementType type) => type.Size() > 0;
}
