using System.Runtime.InteropServices;

namespace NetworkTwin.Onnx.Runtime;

internal enum OrtKind
{
    Env,
    SessionOptions,
    Session,
    Value,
    MemoryInfo,
}

/// <summary>One ONNX Runtime object, released with the C API's matching Release function exactly once.</summary>
internal sealed unsafe class OrtHandle : SafeHandle
{
    private readonly OrtApi _api;
    private readonly OrtKind _kind;

    public OrtHandle(OrtApi api, OrtKind kind, void* pointer)
        : base(0, ownsHandle: true)
    {
        _api = api;
        _kind = kind;
        SetHandle((nint)pointer);
    }

    public override bool IsInvalid => handle == 0;

    /// <summary>The raw pointer, for calls made while the caller keeps this handle alive.</summary>
    public void* Pointer => (void*)handle;

    protected override bool ReleaseHandle()
    {
        var p = (void*)handle;
        switch (_kind)
        {
            case OrtKind.Env: _api.ReleaseEnv(p); break;
            case OrtKind.SessionOptions: _api.ReleaseSessionOptions(p); break;
            case OrtKind.Session: _api.ReleaseSession(p); break;
            case OrtKind.Value: _api.ReleaseValue(p); break;
            case OrtKind.MemoryInfo: _api.ReleaseMemoryInfo(p); break;
        }

        return true;
    }
}
