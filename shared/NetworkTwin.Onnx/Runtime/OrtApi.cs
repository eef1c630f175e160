using System.Runtime.InteropServices;

namespace NetworkTwin.Onnx.Runtime;

/// <summary>
/// The ONNX Runtime C API (onnxruntime_c_api.h, API version 30): <c>OrtGetApiBase()-&gt;GetApi(30)</c>
/// returns a table of function pointers, append-only across versions; the slots below are the
/// zero-based positions of the functions NetworkTwin calls. Every raw pointer of the binding lives in
/// this folder: callers see <see cref="OnnxSession"/>, <see cref="OnnxBinding"/> and <see cref="OnnxTensor"/>.
/// </summary>
internal sealed unsafe class OrtApi
{
    public const uint ApiVersion = 30;

    private const int SlotGetErrorCode = 1;
    private const int SlotGetErrorMessage = 2;
    private const int SlotCreateEnv = 3;
    private const int SlotCreateSessionFromArray = 8;
    private const int SlotRun = 9;
    private const int SlotCreateSessionOptions = 10;
    private const int SlotSetGraphOptimizationLevel = 23;
    private const int SlotSetIntraOpNumThreads = 24;
    private const int SlotSetInterOpNumThreads = 25;
    private const int SlotSessionGetInputCount = 30;
    private const int SlotSessionGetOutputCount = 31;
    private const int SlotSessionGetInputTypeInfo = 33;
    private const int SlotSessionGetOutputTypeInfo = 34;
    private const int SlotSessionGetInputName = 36;
    private const int SlotSessionGetOutputName = 37;
    private const int SlotCreateTensorWithDataAsOrtValue = 49;
    private const int SlotGetTensorMutableData = 51;
    private const int SlotCastTypeInfoToTensorInfo = 55;
    private const int SlotGetOnnxTypeFromTypeInfo = 56;
    private const int SlotGetTensorElementType = 60;
    private const int SlotGetDimensionsCount = 61;
    private const int SlotGetDimensions = 62;
    private const int SlotGetTensorShapeElementCount = 64;
    private const int SlotGetTensorTypeAndShape = 65;
    private const int SlotGetValueType = 67;
    private const int SlotCreateCpuMemoryInfo = 69;
    private const int SlotAllocatorFree = 76;
    private const int SlotGetAllocatorWithDefaultOptions = 78;
    private const int SlotReleaseEnv = 92;
    private const int SlotReleaseStatus = 93;
    private const int SlotReleaseMemoryInfo = 94;
    private const int SlotReleaseSession = 95;
    private const int SlotReleaseValue = 96;
    private const int SlotReleaseTypeInfo = 98;
    private const int SlotReleaseTensorTypeAndShapeInfo = 99;
    private const int SlotReleaseSessionOptions = 100;
    private const int SlotAddSessionConfigEntry = 130;

    private readonly void** _table;

    private OrtApi(void** table, string version)
    {
        _table = table;
        Version = version;
    }

    /// <summary>The library's own version string, for example "1.30.0".</summary>
    public string Version { get; }

    /// <summary>Loads the native library at <paramref name="path"/> and asks it for API version 30.</summary>
    public static OrtApi Load(string path)
    {
        var library = NativeLibrary.Load(path);
        var getApiBase = (delegate* unmanaged<void**>)NativeLibrary.GetExport(library, "OrtGetApiBase");
        var apiBase = getApiBase();
        var getApi = (delegate* unmanaged<uint, void**>)apiBase[0];
        var getVersion = (delegate* unmanaged<byte*>)apiBase[1];
        var version = Marshal.PtrToStringUTF8((nint)getVersion()) ?? "?";
        var table = getApi(ApiVersion);
        if (table == null)
        {
            throw new OnnxRuntimeException(
                $"the ONNX Runtime at {path} (version {version}) does not offer C API version {ApiVersion}; NetworkTwin needs ONNX Runtime 1.30 or later");
        }

        return new OrtApi(table, version);
    }

    // ---- status ----

    /// <summary>Throws for a non-null status (and releases it); <paramref name="what"/> says what was being done.</summary>
    public void Check(void* status, string what)
    {
        if (status == null)
        {
            return;
        }

        var code = ((delegate* unmanaged<void*, int>)_table[SlotGetErrorCode])(status);
        var message = Marshal.PtrToStringUTF8((nint)((delegate* unmanaged<void*, byte*>)_table[SlotGetErrorMessage])(status)) ?? "";
        ((delegate* unmanaged<void*, void>)_table[SlotReleaseStatus])(status);
        throw new OnnxRuntimeException($"{what}: {message.Trim()} (ONNX Runtime error {code}, {ErrorName(code)})");
    }

    private static string ErrorName(int code) => code switch
    {
        1 => "FAIL",
        2 => "INVALID_ARGUMENT",
        3 => "NO_SUCHFILE",
        4 => "NO_MODEL",
        5 => "ENGINE_ERROR",
        6 => "RUNTIME_EXCEPTION",
        7 => "INVALID_PROTOBUF",
        8 => "MODEL_LOADED",
        9 => "NOT_IMPLEMENTED",
        10 => "INVALID_GRAPH",
        11 => "EP_FAIL",
        _ => "unknown",
    };

    // ---- environment, options, session ----

    public void* CreateEnv(int logSeverity, byte* logId)
    {
        void* env;
        Check(((delegate* unmanaged<int, byte*, void**, void*>)_table[SlotCreateEnv])(logSeverity, logId, &env), "creating the ONNX Runtime environment");
        return env;
    }

    public void* CreateSessionOptions()
    {
        void* options;
        Check(((delegate* unmanaged<void**, void*>)_table[SlotCreateSessionOptions])(&options), "creating session options");
        return options;
    }

    public void SetGraphOptimizationLevel(void* options, int level) =>
        Check(((delegate* unmanaged<void*, int, void*>)_table[SlotSetGraphOptimizationLevel])(options, level), "setting the graph optimisation level");

    public void SetIntraOpNumThreads(void* options, int threads) =>
        Check(((delegate* unmanaged<void*, int, void*>)_table[SlotSetIntraOpNumThreads])(options, threads), "setting intra-op threads");

    public void SetInterOpNumThreads(void* options, int threads) =>
        Check(((delegate* unmanaged<void*, int, void*>)_table[SlotSetInterOpNumThreads])(options, threads), "setting inter-op threads");

    public void AddSessionConfigEntry(void* options, byte* key, byte* value) =>
        Check(((delegate* unmanaged<void*, byte*, byte*, void*>)_table[SlotAddSessionConfigEntry])(options, key, value), "setting a session option");

    public void* CreateSessionFromArray(void* env, byte* model, nuint length, void* options)
    {
        void* session;
        Check(((delegate* unmanaged<void*, byte*, nuint, void*, void**, void*>)_table[SlotCreateSessionFromArray])(env, model, length, options, &session), "loading the model");
        return session;
    }

    public void* Run(void* session, byte** inputNames, void** inputs, nuint inputCount, byte** outputNames, nuint outputCount, void** outputs) =>
        ((delegate* unmanaged<void*, void*, byte**, void**, nuint, byte**, nuint, void**, void*>)_table[SlotRun])(
            session, null, inputNames, inputs, inputCount, outputNames, outputCount, outputs);

    public nuint SessionInputCount(void* session)
    {
        nuint count;
        Check(((delegate* unmanaged<void*, nuint*, void*>)_table[SlotSessionGetInputCount])(session, &count), "reading the model's input count");
        return count;
    }

    public nuint SessionOutputCount(void* session)
    {
        nuint count;
        Check(((delegate* unmanaged<void*, nuint*, void*>)_table[SlotSessionGetOutputCount])(session, &count), "reading the model's output count");
        return count;
    }

    public string SessionName(void* session, nuint index, bool input)
    {
        void* allocator;
        Check(((delegate* unmanaged<void**, void*>)_table[SlotGetAllocatorWithDefaultOptions])(&allocator), "getting the default allocator");
        byte* name;
        var slot = input ? SlotSessionGetInputName : SlotSessionGetOutputName;
        Check(((delegate* unmanaged<void*, nuint, void*, byte**, void*>)_table[slot])(session, index, allocator, &name), "reading a model input or output name");
        try
        {
            return Marshal.PtrToStringUTF8((nint)name) ?? "";
        }
        finally
        {
            Check(((delegate* unmanaged<void*, void*, void*>)_table[SlotAllocatorFree])(allocator, name), "freeing a name");
        }
    }

    /// <summary>Kind (1 = tensor), element type and dimensions (-1 where symbolic) of an input or output.</summary>
    public (int Kind, int ElementType, long[] Shape) SessionTypeInfo(void* session, nuint index, bool input)
    {
        void* typeInfo;
        var slot = input ? SlotSessionGetInputTypeInfo : SlotSessionGetOutputTypeInfo;
        Check(((delegate* unmanaged<void*, nuint, void**, void*>)_table[slot])(session, index, &typeInfo), "reading a model input or output type");
        try
        {
            int kind;
            Check(((delegate* unmanaged<void*, int*, void*>)_table[SlotGetOnnxTypeFromTypeInfo])(typeInfo, &kind), "reading a value kind");
            if (kind != 1)
            {
                return (kind, 0, []);
            }

            void* tensorInfo;
            Check(((delegate* unmanaged<void*, void**, void*>)_table[SlotCastTypeInfoToTensorInfo])(typeInfo, &tensorInfo), "reading tensor info");
            var (type, shape) = TensorInfo(tensorInfo);
            return (kind, type, shape);
        }
        finally
        {
            ((delegate* unmanaged<void*, void>)_table[SlotReleaseTypeInfo])(typeInfo);
        }
    }

    private (int ElementType, long[] Shape) TensorInfo(void* info)
    {
        int type;
        Check(((delegate* unmanaged<void*, int*, void*>)_table[SlotGetTensorElementType])(info, &type), "reading a tensor element type");
        nuint rank;
        Check(((delegate* unmanaged<void*, nuint*, void*>)_table[SlotGetDimensionsCount])(info, &rank), "reading a tensor rank");
        var shape = new long[(int)rank];
        fixed (long* dims = shape)
        {
            Check(((delegate* unmanaged<void*, long*, nuint, void*>)_table[SlotGetDimensions])(info, dims, rank), "reading tensor dimensions");
        }

        return (type, shape);
    }

    // ---- values ----

    public void* CreateCpuMemoryInfo()
    {
        void* info;
        // OrtArenaAllocator (1), OrtMemTypeDefault (0): what the C API's own examples use for caller-owned buffers.
        Check(((delegate* unmanaged<int, int, void**, void*>)_table[SlotCreateCpuMemoryInfo])(1, 0, &info), "creating CPU memory info");
        return info;
    }

    /// <summary>A tensor over caller-owned memory, which must stay pinned while the value lives.</summary>
    public void* CreateTensorWithData(void* memoryInfo, void* data, nuint bytes, long* shape, nuint rank, int elementType)
    {
        void* value;
        Check(((delegate* unmanaged<void*, void*, nuint, long*, nuint, int, void**, void*>)_table[SlotCreateTensorWithDataAsOrtValue])(
            memoryInfo, data, bytes, shape, rank, elementType, &value), "creating an input tensor");
        return value;
    }

    /// <summary>Kind (1 = tensor), element type, shape and data pointer of a value ONNX Runtime produced.</summary>
    public (int Kind, int ElementType, long[] Shape, nuint Count, nint Data) Describe(void* value)
    {
        int kind;
        Check(((delegate* unmanaged<void*, int*, void*>)_table[SlotGetValueType])(value, &kind), "reading an output kind");
        if (kind != 1)
        {
            return (kind, 0, [], 0, 0);
        }

        void* info;
        Check(((delegate* unmanaged<void*, void**, void*>)_table[SlotGetTensorTypeAndShape])(value, &info), "reading an output shape");
        try
        {
            var (type, shape) = TensorInfo(info);
            nuint count;
            Check(((delegate* unmanaged<void*, nuint*, void*>)_table[SlotGetTensorShapeElementCount])(info, &count), "reading an output size");
            void* data = null;
            if (type != (int)OnnxElementType.String)
            {
                Check(((delegate* unmanaged<void*, void**, void*>)_table[SlotGetTensorMutableData])(value, &data), "reading output data");
            }

            return (kind, type, shape, count, (nint)data);
        }
        finally
        {
            ((delegate* unmanaged<void*, void>)_table[SlotReleaseTensorTypeAndShapeInfo])(info);
        }
    }

    // ---- release ----

    public void ReleaseEnv(void* p) => ((delegate* unmanaged<void*, void>)_table[SlotReleaseEnv])(p);

    public void ReleaseMemoryInfo(void* p) => ((delegate* unmanaged<void*, void>)_table[SlotReleaseMemoryInfo])(p);

    public void ReleaseSession(void* p) => ((delegate* unmanaged<void*, void>)_table[SlotReleaseSession])(p);

    public void ReleaseValue(void* p) => ((delegate* unmanaged<void*, void>)_table[SlotReleaseValue])(p);

    public void ReleaseSessionOptions(void* p) => ((delegate* unmanaged<void*, void>)_table[SlotReleaseSessionOptions])(p);
}
