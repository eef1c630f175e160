using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace NetworkTwin.Hosting;

/// <summary>
/// Says so when the log file buffer dropped events: every 10 s it compares the count, and a rise becomes one
/// Warning (by then the buffer has room again) with what to do about it. Nothing is dropped silently.
/// </summary>
internal sealed partial class LogBufferWatcher(ILogger<LogBufferWatcher> logger, TimeProvider? time = null) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reported = ServiceLogging.DroppedEvents;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(10), time ?? TimeProvider.System);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                var dropped = ServiceLogging.DroppedEvents;
                if (dropped > reported)
                {
                    Log.Dropped(logger, dropped - reported, dropped, ServiceLogging.BufferEvents);
                    reported = dropped;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(9010, LogLevel.Warning, "{Count} log event(s) were dropped because the log file buffer ({Buffer} events) was full ({Total} since start); raise Serilog:MinimumLevel or put the logs on a faster disk")]
        public static partial void Dropped(ILogger logger, long count, long total, int buffer);
    }
}
