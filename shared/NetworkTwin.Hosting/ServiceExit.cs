using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace NetworkTwin.Hosting;

/// <summary>Runs a service host and turns how it ended into the process exit code a service manager acts on.</summary>
public static class ServiceExit
{
    /// <summary>A worker failed (sysexits EX_SOFTWARE): systemd's Restart=on-failure and the Windows SCM's recovery act on it.</summary>
    public const int WorkerFailed = 70;

    /// <summary>The configuration has problems; nothing was started.</summary>
    public const int ConfigurationInvalid = 2;

    /// <summary>The switch that checks the configuration and exits without starting anything.</summary>
    public const string ValidateConfigSwitch = "--validate-config";

    /// <summary>Prints the outcome of --validate-config: every problem on stderr (exit 2), or what the service would run with (exit 0).</summary>
    public static int ReportValidation(string service, IReadOnlyCollection<string> errors, string summary)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.Count == 0)
        {
            Console.Out.WriteLine($"{service}: the configuration is valid; it {summary}.");
            return 0;
        }

        Console.Error.WriteLine($"{service}: {errors.Count} problem(s) in the configuration:");
        foreach (var e in errors)
        {
            Console.Error.WriteLine($"  {e}");
        }

        return ConfigurationInvalid;
    }

    /// <summary>Runs until shutdown; 0 after a clean stop, <see cref="WorkerFailed"/> when a background worker faulted and stopped the host.</summary>
    public static async Task<int> RunAsync(IHost host, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        // RunAsync disposes the host: take the workers first.
        var workers = WorkerHealth.Workers(host.Services);
        await host.RunAsync(cancellationToken).ConfigureAwait(false);
        return WorkerHealth.Failed(workers).Count > 0 ? WorkerFailed : 0;
    }
}
