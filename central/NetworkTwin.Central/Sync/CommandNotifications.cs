using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NetworkTwin.Central.Repository;

namespace NetworkTwin.Central.Sync;

/// <summary>
/// Hears the commands other coordinators issue (PostgreSQL LISTEN/NOTIFY) and wakes this coordinator's downlink of
/// the agent each is for, so a command reaches its agent at once whichever replica the agent is connected to. When
/// the listening connection fails it listens again with a back-off, and wakes every downlink once it is back (they
/// read what they may have missed); the downlinks' own polling covers the gap.
/// </summary>
internal sealed partial class CommandNotifications(CoordinatorRepository repository, CommandSignal signal, ILogger<CommandNotifications> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!repository.SharedByReplicas)
        {
            return;
        }

        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await repository.Commands.ListenAsync(
                    signal.Notify,
                    () =>
                    {
                        if (failures > 0)
                        {
                            Log.Listening(logger);
                        }

                        failures = 0;
                        signal.NotifyAll();
                    },
                    stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is System.Data.Common.DbException or IOException or InvalidOperationException or TimeoutException)
            {
                if (failures++ == 0)
                {
                    Log.NotListening(logger, ex.Message);
                }
            }

            try
            {
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(30, Math.Pow(2, Math.Min(failures, 5)))), stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7055, Level = LogLevel.Warning, Message = "Not hearing the commands other coordinators issue ({Reason}); agents connected here get them at their downlink's next poll (5 s) until it is back")]
        public static partial void NotListening(ILogger logger, string reason);

        [LoggerMessage(EventId = 7056, Level = LogLevel.Information, Message = "Hearing the commands other coordinators issue again")]
        public static partial void Listening(ILogger logger);
    }
}
