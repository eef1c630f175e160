using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace NetworkTwin.Hosting.Windows;

/// <summary>
/// The few advapi32 calls a Windows service needs (the Windows-service hosting package is not
/// available here): the control dispatcher, the control handler and status reports. No raw pointer
/// leaves this file.
/// </summary>
[SupportedOSPlatform("windows")]
internal static unsafe partial class ServiceControlManager
{
    public const uint ServiceWin32OwnProcess = 0x10;
    public const uint StateStopped = 1;
    public const uint StateStartPending = 2;
    public const uint StateStopPending = 3;
    public const uint StateRunning = 4;
    public const uint AcceptStop = 0x1;
    public const uint AcceptShutdown = 0x4;
    public const uint ControlStop = 0x1;
    public const uint ControlInterrogate = 0x4;
    public const uint ControlShutdown = 0x5;
    public const uint ErrorServiceSpecificError = 1066;
    public const int ErrorFailedServiceControllerConnect = 1063;
    public const uint NoError = 0;
    public const uint ErrorCallNotImplemented = 120;

    [StructLayout(LayoutKind.Sequential)]
    public struct ServiceStatus
    {
        public uint ServiceType;
        public uint CurrentState;
        public uint ControlsAccepted;
        public uint Win32ExitCode;
        public uint ServiceSpecificExitCode;
        public uint CheckPoint;
        public uint WaitHint;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct ServiceTableEntry
    {
        public char* ServiceName;
        public delegate* unmanaged<uint, char**, void> ServiceMain;
    }

    [LibraryImport("advapi32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    public static partial bool StartServiceCtrlDispatcherW(ServiceTableEntry* table);

    [LibraryImport("advapi32.dll", SetLastError = true, StringMarshalling = StringMarshalling.Utf16)]
    public static partial nint RegisterServiceCtrlHandlerExW(string serviceName, delegate* unmanaged<uint, uint, void*, void*, uint> handler, void* context);

    [LibraryImport("advapi32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    public static partial bool SetServiceStatus(nint handle, ServiceStatus* status);
}
