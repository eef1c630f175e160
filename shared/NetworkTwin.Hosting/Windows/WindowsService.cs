using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using static NetworkTwin.Hosting.Windows.ServiceControlManager;

namespace NetworkTwin.Hosting.Windows;

/// <summary>
/// Runs a host as a Windows service under the Service Control Manager: the dispatcher thread
/// connects to the SCM, ServiceMain reports START_PENDING, the host starts, RUNNING is reported, and
/// STOP or SHUTDOWN from the SCM stops the host gracefully (STOP_PENDING, then STOPPED with the
/// host's exit code as a service-specific error, so the recovery actions set by the install script
/// restart a service whose worker failed). One service per process.
/// </summary>
[SupportedOSPlatform("windows")]
public static unsafe class WindowsService
{
    /// <summary>The switch the install script puts on the service's command line.</summary>
    public const string Switch = "--service";

    private static readonly ManualResetEventSlim Entered = new();
    private static readonly ManualResetEventSlim Finished = new();
    private static string _name = string.Empty;
    private static nint _handle;
    private static IHostApplicationLifetime? _lifetime;
    private static int _exitCode;

    /// <summary>Runs <paramref name="buildHost"/>'s host as the service <paramref name="serviceName"/>; returns the exit code.</summary>
    public static int Run(string serviceName, Func<IHost> buildHost)
    {
        ArgumentNullException.ThrowIfNull(buildHost);
        _name = serviceName;
        var dispatcherError = 0;
        var dispatcher = new Thread(() =>
        {
            var name = Marshal.StringToHGlobalUni(serviceName);
            try
            {
                var table = stackalloc ServiceTableEntry[2];
                table[0] = new ServiceTableEntry { ServiceName = (char*)name, ServiceMain = &ServiceMain };
                table[1] = default;
                if (!StartServiceCtrlDispatcherW(table))
                {
                    dispatcherError = Marshal.GetLastPInvokeError();
                    Entered.Set();
                }
            }
            finally
            {
                Marshal.FreeHGlobal(name);
            }
        })
        { IsBackground = true, Name = "scm-dispatcher" };
        dispatcher.Start();
        Entered.Wait();
        if (dispatcherError != 0)
        {
            Console.Error.WriteLine(dispatcherError == ErrorFailedServiceControllerConnect
                ? $"{serviceName}: {Switch} is for the Service Control Manager; run without it from a console."
                : $"{serviceName}: could not connect to the Service Control Manager (Windows error {dispatcherError}).");
            return ServiceExit.ConfigurationInvalid;
        }

        try
        {
            using var host = buildHost();
            _lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
            _lifetime.ApplicationStarted.Register(() => Report(StateRunning, AcceptStop | AcceptShutdown, 0));
            _lifetime.ApplicationStopping.Register(() => Report(StateStopPending, 0, 0, waitHintMs: 30_000));
            _exitCode = ServiceExit.RunAsync(host).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Console.Error.WriteLine($"{serviceName}: {ex.Message}");
            _exitCode = ex is Microsoft.Extensions.Options.OptionsValidationException or ArgumentException ? ServiceExit.ConfigurationInvalid : ServiceExit.WorkerFailed;
        }

        Report(StateStopped, 0, _exitCode);
        Finished.Set();
        dispatcher.Join(TimeSpan.FromSeconds(5));
        return _exitCode;
    }

    [UnmanagedCallersOnly]
    private static void ServiceMain(uint argc, char** argv)
    {
        _handle = RegisterServiceCtrlHandlerExW(_name, &Handler, null);
        Report(StateStartPending, 0, 0, waitHintMs: 30_000);
        Entered.Set();

        // The SCM expects ServiceMain to last as long as the service.
        Finished.Wait();
    }

    [UnmanagedCallersOnly]
    private static uint Handler(uint control, uint eventType, void* eventData, void* context)
    {
        switch (control)
        {
            case ControlStop:
            case ControlShutdown:
                Report(StateStopPending, 0, 0, waitHintMs: 30_000);
                _lifetime?.StopApplication();
                return NoError;
            case ControlInterrogate:
                return NoError;
            default:
                return ErrorCallNotImplemented;
        }
    }

    private static uint _checkPoint;

    private static void Report(uint state, uint accepted, int exitCode, uint waitHintMs = 0)
    {
        if (_handle == 0)
        {
            return;
        }

        var status = new ServiceStatus
        {
            ServiceType = ServiceWin32OwnProcess,
            CurrentState = state,
            ControlsAccepted = accepted,
            Win32ExitCode = exitCode == 0 ? NoError : ErrorServiceSpecificError,
            ServiceSpecificExitCode = (uint)exitCode,
            CheckPoint = state is StateStartPending or StateStopPending ? ++_checkPoint : 0,
            WaitHint = waitHintMs,
        };
        SetServiceStatus(_handle, &status);
    }
}
