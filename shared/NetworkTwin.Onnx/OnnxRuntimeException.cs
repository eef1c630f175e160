namespace NetworkTwin.Onnx;

/// <summary>ONNX Runtime refused something (a model, an input, the library itself); the message says what and why.</summary>
public sealed class OnnxRuntimeException : Exception
{
    public OnnxRuntimeException(string message)
        : base(message)
    {
    }

    public OnnxRuntimeException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public OnnxRuntimeException()
    {
    }
}
