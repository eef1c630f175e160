using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Json;

namespace NetworkTwin.Hosting;

/// <summary>Where and how a service logs (the Logging section of the agent and of the coordinator).</summary>
public sealed class LogSettings
{
    /// <summary>Folder of the rolling log files; empty = "logs" under the service's data directory.</summary>
    public string Directory { get; set; } = string.Empty;

    public int FileSizeLimitMegabytes { get; set; } = 10;

    public int RetainedFiles { get; set; } = 10;

    /// <summary>Least level on the console (journald under systemd): Trace..Critical, or None.</summary>
    public string ConsoleLevel { get; set; } = "Information";

    /// <summary>Write the files as JSON lines (one event per line, for log shippers) instead of text.</summary>
    public bool Json { get; set; }
}

/// <summary>
/// Serilog for a service: size-capped, rolled and retained files (text for a field engineer, or
/// JSON lines) written off the caller's thread, plus the console.
/// </summary>
public static class ServiceLogging
{
    /// <param name="settings">The service's Logging settings.</param>
    /// <param name="defaultFolder">Where the files go when <see cref="LogSettings.Directory"/> is empty.</param>
    /// <param name="filePrefix">File name start, such as "agent-" (a date and a .log or .jsonl suffix follow).</param>
    public static Serilog.Core.Logger Create(LogSettings settings, string defaultFolder, string filePrefix)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var folder = string.IsNullOrWhiteSpace(settings.Directory) ? defaultFolder : settings.Directory;
        var consoleLevel = Enum.TryParse<LogLevel>(settings.ConsoleLevel, true, out var level) ? level : LogLevel.Information;
        const string FileTemplate = "{Timestamp:yyyy-MM-dd HH:mm:ss.fff zzz} [{Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}";
        var size = Math.Clamp(settings.FileSizeLimitMegabytes, 1, 10_000) * 1024L * 1024L;
        var retained = Math.Clamp(settings.RetainedFiles, 1, 1000);
        var config = new LoggerConfiguration()
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
            .Enrich.FromLogContext()
            .WriteTo.Async(
                a =>
                {
                    if (settings.Json)
                    {
                        a.File(new JsonFormatter(renderMessage: true), Path.Combine(folder, filePrefix + ".jsonl"), rollingInterval: RollingInterval.Day, rollOnFileSizeLimit: true, fileSizeLimitBytes: size, retainedFileCountLimit: retained);
                    }
                    else
                    {
                        a.File(Path.Combine(folder, filePrefix + ".log"), outputTemplate: FileTemplate, rollingInterval: RollingInterval.Day, rollOnFileSizeLimit: true, fileSizeLimitBytes: size, retainedFileCountLimit: retained, formatProvider: System.Globalization.CultureInfo.InvariantCulture);
                    }
                },
                bufferSize: 10_000,
                blockWhenFull: false);
        if (consoleLevel != LogLevel.None)
        {
            config = config.WriteTo.Console(
                restrictedToMinimumLevel: ToSerilog(consoleLevel),
                outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}{Exception}",
                formatProvider: System.Globalization.CultureInfo.InvariantCulture);
        }

        return config.CreateLogger();
    }

    private static LogEventLevel ToSerilog(LogLevel level) => level switch
    {
        LogLevel.Trace => LogEventLevel.Verbose,
        LogLevel.Debug => LogEventLevel.Debug,
        LogLevel.Information => LogEventLevel.Information,
        LogLevel.Warning => LogEventLevel.Warning,
        LogLevel.Error => LogEventLevel.Error,
        _ => LogEventLevel.Fatal,
    };
}
