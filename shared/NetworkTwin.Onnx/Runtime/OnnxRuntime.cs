namespace NetworkTwin.Onnx.Runtime;

/// <summary>
/// The process's one ONNX Runtime: the native library (found next to the application, or at
/// <c>NETWORKTWIN_ONNXRUNTIME</c>), its API table, one environment and one CPU memory description.
/// </summary>
public static unsafe class OnnxRuntime
{
    public const string LibraryVariable = "NETWORKTWIN_ONNXRUNTIME";

    private static readonly byte[] LogId = Utf8Z("networktwin");

    private static readonly Lazy<(OrtApi Api, OrtHandle Env, OrtHandle Cpu, string Path)> Loaded = new(Load);

    /// <summary>The native library's version, for example "1.30.0" (loads it on first use).</summary>
    public static string Version => Loaded.Value.Api.Version;

    /// <summary>Where the native library was loaded from.</summary>
    public static string LibraryPath => Loaded.Value.Path;

    internal static OrtApi Api => Loaded.Value.Api;

    internal static OrtHandle Env => Loaded.Value.Env;

    internal static OrtHandle CpuMemory => Loaded.Value.Cpu;

    /// <summary>The library file this process would load: the variable's path, else the file next to the application.</summary>
    public static string LocateLibrary()
    {
        var configured = Environment.GetEnvironmentVariable(LibraryVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        var file = OperatingSystem.IsWindows() ? "onnxruntime.dll" : "libonnxruntime.so.1";
        return Path.Combine(AppContext.BaseDirectory, file);
    }

    private static (OrtApi, OrtHandle, OrtHandle, string) Load()
    {
        var path = LocateLibrary();
        if (!File.Exists(path))
        {
            throw new OnnxRuntimeException(
                $"ONNX Runtime's native library was not found at {path}; ./build.sh fetches it (npm onnxruntime-node 1.30.0), or set {LibraryVariable} to the path of libonnxruntime.so.1 (onnxruntime.dll on Windows)");
        }

        OrtApi api;
        try
        {
            api = OrtApi.Load(path);
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException or EntryPointNotFoundException)
        {
            throw new OnnxRuntimeException($"ONNX Runtime's native library at {path} could not be loaded: {e.Message} (it needs glibc 2.28 or later)", e);
        }

        // Severity 4 = fatal only: every error reaches the caller through its status (and the exception), so ONNX Runtime need not print it to stderr too.
        var env = new OrtHandle(api, OrtKind.Env, api.CreateEnv(4, Address(LogId)));
        var cpu = new OrtHandle(api, OrtKind.MemoryInfo, api.CreateCpuMemoryInfo());
        return (api, env, cpu, path);
    }

    /// <summary>A zero-terminated UTF-8 copy on the pinned object heap: it never moves, so its address stays valid while the array is referenced.</summary>
    internal static byte[] Utf8Z(string text)
    {
        var bytes = GC.AllocateArray<byte>(System.Text.Encoding.UTF8.GetByteCount(text) + 1, pinned: true);
        System.Text.Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }

    internal static byte* Address(byte[] pinned) => (byte*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(pinned));
}
