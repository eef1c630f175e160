using System.Runtime.InteropServices;

namespace NetworkTwin.Agent.Interop;

/// <summary>
/// Lowers the OS scheduling priority of the calling thread (Linux: each thread has its own nice
/// value). The window analysis runs at nice +10 (<c>Agent:Analysis:Nice</c>) so ingest, which is latency-bound, wins the CPU.
/// </summary>
internal static partial class ThreadNice
{
    private const int PrioProcess = 0;

    /// <summary>Best effort: returns false where it is not supported (not Linux x64 or arm64) or not allowed.</summary>
    public static bool TryLowerCurrentThread(int nice)
    {
        // gettid has no libc wrapper in older glibc; its system call number differs by architecture.
        long? gettid = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => 186,
            Architecture.Arm64 => 178,
            _ => null,
        };
        if (!OperatingSystem.IsLinux() || gettid is null)
        {
            return false;
        }

        var tid = (int)Syscall(gettid.Value);
        return SetPriority(PrioProcess, tid, nice) == 0;
    }

    [LibraryImport("libc", EntryPoint = "syscall")]
    private static partial long Syscall(long number);

    [LibraryImport("libc", EntryPoint = "setpriority")]
    private static partial int SetPriority(int which, int who, int prio);
}
