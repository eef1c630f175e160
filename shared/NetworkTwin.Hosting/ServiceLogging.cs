using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Json;
using Serilog.Settings.Configuration;
using Serilog.Sinks.Async;

namespace NetworkTwin.Hosting;

/// <summary>Where and how a service logs (the Logging section of the agent and of the coordinator).</summary>
public sealed class LogSettings
{
    /// <summary>Folder of the rolling log files; empty = "logs" under the service's data directory.</summary>
    public string Directory { get; set; } = string.Empty;

    /// <summary>A log file is rolled over at this size.</summary>

    [Range(1, 10_000)]

    public int FileSizeLimitMegabytes { get; set; } = 10;

    /// <summary>Rolled files kept; older ones are deleted.</summary>

    [Range(1, 1000)]

    public int RetainedFiles { get; set; } = 10;

    /// <summary>Least level on the console (journald under systemd): Trace..Critical, or None.</summary>
    [AllowedValues("Trace", "Debug", "Information", "Warning", "Error", "Critical", "None")]
    public string ConsoleLevel { get; set; } = "Information";

    /// <summary>Write the files as JSON lines (one event per line, for log shippers) instead of text.</summary>
    public bool Json { get; set; }

    /// <summary>Every problem, each naming its key under <paramref name="section"/> (such as Agent:Logging) and what it accepts.</summary>
    public IReadOnlyList<string> Validate(string section)
    {
        var errors = new List<string>();
        if (!(FileSizeLimitMegabytes is >= 1 and <= 10_000))
        {
            errors.Add($"{section}:FileSizeLimitMegabytes must be 1..10000 (got {FileSizeLimitMegabytes}).");
        }

        if (!(RetainedFiles is >= 1 and <= 1000))
        {
            errors.Add($"{section}:RetainedFiles must be 1..1000 (got {RetainedFiles}).");
        }

        if (!Enum.TryParse<Microsoft.Extensions.Logging.LogLevel>(ConsoleLevel, true, out _) || int.TryParse(ConsoleLevel, out _))
        {
            errors.Add($"{section}:ConsoleLevel must be Trace, Debug, Information, Warning, Error, Critical or None (got \"{ConsoleLevel}\").");
        }

        return errors;
    }
}

/// <summary>
/// Serilog for a service: size-capped, rolled and retained files (text for a field engineer, or JSON
/// lines) written off the caller's thread, plus the console. Levels, per-namespace overrides and extra sinks
/// come from the <c>Serilog</c> section of the configuration (Serilog.Settings.Configuration), over these
/// defaults: Information, <c>Microsoft</c> and <c>Grpc</c> at Warning. The file buffer holds 10,000 events;
/// when it is full an event is dropped, never the service slowed, and the drop is counted
/// (<see cref="DroppedEvents"/>, <c>networktwin_log_events_dropped_total</c>) and reported (<see cref="LogBufferWatcher"/>).
/// </summary>
public static class ServiceLogging
{
    /// <summary>Events the file buffer can hold before it drops.</summary>
    public const int BufferEvents = 10_000;

    private static readonly BufferMonitor Monitor = new();

    /// <summary>Log events dropped because the file buffer was full, since the process started.</summary>
    public static long DroppedEvents => Monitor.Dropped;

    /// <param name="settings">The service's Logging settings.</param>
    /// <param name="defaultFolder">Where the files go when <see cref="LogSettings.Directory"/> is empty.</param>
    /// <param name="filePrefix">File name start, such as "agent-" (a date and a .log or .jsonl suffix follow).</param>
    /// <param name="configuration">The service's configuration; its <c>Serilog</c> section (if any) overrides levels and adds sinks.</param>
    public static Serilog.Core.Logger Create(LogSettings settings, string defaultFolder, string filePrefix, IConfiguration? configuration = null)
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
            .MinimumLevel.Override("Grpc", LogEventLevel.Warning)
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
                bufferSize: BufferEvents,
                blockWhenFull: false,
                monitor: Monitor);
        if (consoleLevel != LogLevel.None)
        {
            config = config.WriteTo.Console(
                restrictedToMinimumLevel: ToSerilog(consoleLevel),
                outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}{Exception}",
                formatProvider: System.Globalization.CultureInfo.InvariantCulture);
        }

        if (configuration is not null)
        {
            // Operators' levels, overrides per namespace and extra sinks (Serilog:MinimumLevel, Serilog:WriteTo, ...).
            config = config.ReadFrom.Configuration(configuration, new ConfigurationReaderOptions(
                typeof(ConsoleLoggerConfigurationExtensions).Assembly,
                typeof(FileLoggerConfigurationExtensions).Assembly,
                typeof(LoggerConfigurationAsyncExtensions).Assembly)
            {
                SectionName = "Serilog",
            });
        }

        return config.CreateLogger();
    }

    /// <summary>The logger as the host's logging provider (Serilog.Extensions.Hosting), disposed with the host, and the watcher of its buffer.</summary>
    public static void Add(IServiceCollection services, Serilog.Core.Logger logger)
    {
        services.AddSerilog(logger, dispose: true);
        services.AddHostedService<LogBufferWatcher>();
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

    /// <summary>Reads the async sink's own count of events it had to drop.</summary>
    private sealed class BufferMonitor : IAsyncLogEventSinkMonitor
    {
        private readonly List<IAsyncLogEventSinkInspector> _inspectors = [];
        private long _droppedByStopped;

        public long Dropped
        {
            get
            {
                lock (_inspectors)
                {
                    return _droppedByStopped + _inspectors.Sum(i => i.DroppedMessagesCount);
                }
            }
        }

        public void StartMonitoring(IAsyncLogEventSinkInspector inspector)
        {
            lock (_inspectors)
            {
                _inspectors.Add(inspector);
            }
        }

        public void StopMonitoring(IAsyncLogEventSinkInspector inspector)
        {
            lock (_inspectors)
            {
                if (_inspectors.Remove(inspector))
                {
                    _droppedByStopped += inspector.DroppedMessagesCount;
                }
            }
        }
    }
}
