using Microsoft.ML.OnnxRuntime;

namespace NetworkTwin.Onnx.Runtime;

/// <summary>
/// The process's one ONNX Runtime, from the Microsoft.ML.OnnxRuntime package (its native library for the
/// platform ships in the package: linux-x64, linux-arm64, win-x64 and more).
/// </summary>
public static class OnnxRuntime
{
    private static readonly Lazy<OrtEnv> Environment = new(Create);

    /// <summary>The native library's version, for example "1.31.1" (loads it on first use).</summary>
    public static string Version => Environment.Value.GetVersionString();

    /// <summary>Where the native library comes from.</summary>
    public static string LibraryPath => $"NuGet Microsoft.ML.OnnxRuntime ({System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier})";

    internal static OrtEnv Env => Environment.Value;

    private static OrtEnv Create()
    {
        try
        {
            // Fatal only: every error reaches the caller through its exception, so ONNX Runtime need not print it to stderr too.
            var options = new EnvironmentCreationOptions { logId = "networktwin", logLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL };
            return OrtEnv.CreateInstanceWithOptions(ref options);
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException or EntryPointNotFoundException or TypeInitializationException)
        {
            throw new OnnxRuntimeException($"ONNX Runtime's native library could not be loaded for {System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier}: {e.Message}", e);
        }
    }
}
