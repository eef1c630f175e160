using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NetworkTwin.Agent.Configuration;

namespace NetworkTwin.Agent.Live;

/// <summary>Runs link discovery, clock alignment and capacity sizing over the window at a fixed interval.</summary>
internal sealed partial class EvaluationWorker(IOptions<AgentOptions> options, LiveTwin twin, ILogger<EvaluationWorker> logger, TimeProvider time)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.Window.EvaluateEverySeconds), time);
        string? lastLinks = null;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                var evaluation = await Task.Run(twin.Evaluate, stoppingToken).ConfigureAwait(false);
                if (evaluation is null)
                {
                    continue;
                }

                // Log when the link picture changes, not every interval: that is what a field engineer looks for.
                var links = string.Join("; ", evaluation.Report.Links.Select(l => $"link {l.Id}: cells {string.Join(',', l.Cells)} need {l.CapacityGbps:0.00} Gbit/s"));
                var shape = string.Join("; ", evaluation.Report.Links.Select(l => string.Join(',', l.Cells)));
                if (shape != lastLinks)
                {
                    Log.LinksChanged(logger, evaluation.DataTimeSeconds, links, evaluation.ElapsedMs);
                    lastLinks = shape;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(4001, LogLevel.Information, "Link picture at data time {DataTime:0.00} s: {Links} (evaluated in {Ms:0.0} ms)")]
        public static partial void LinksChanged(ILogger logger, double dataTime, string links, double ms);
    }
}
