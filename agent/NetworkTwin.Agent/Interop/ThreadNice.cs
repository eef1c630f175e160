using System.Runtime.InteropServices;

namespace NetworkTwin.Agent.Interop;

/// <summary>
/// Lowers the OS scheduling priority of the calling thread (Linux: each thread has its own nice
/// value). The window analysis runs at nice +10 so ingest, which is latency-bound, wins the CPU.
/// </summary>
internal static partial class ThreadNice
{
    private const int PrioProcess = 0;
    private const long SysGettid = 186;

    /// <summary>Best effort: returns false where it is not supported (not Linux x64) or not allowed.</summary>
    public static bool TryLowerCurrentThread(int nice)
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
        {
            return false;
        }

        var tid = (int)Syscall(SysGettid);
        return SetPriority(PrioProcess, tid, nice) == 0;
    }

    [LibraryImport("libc", EntryPoint = "syscall")]
    private static partial long Syscall(long number);

    [LibraryImport("libc", EntryPoint = "setpriority")]
    private static partial int SetPriority(int which, int who, int prio);
}
