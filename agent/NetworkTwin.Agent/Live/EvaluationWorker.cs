using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NetworkTwin.Agent.Configuration;
using NetworkTwin.Agent.Interop;

namespace NetworkTwin.Agent.Live;

/// <summary>
/// Runs link discovery, clock alignment and capacity sizing over the window at a fixed interval,
/// on its own low-priority thread so that ingest latency does not suffer while it works.
/// </summary>
internal sealed partial class EvaluationWorker(IOptions<AgentOptions> options, LiveTwin twin, Outbox.ResultOutbox outbox, Forecast.LinkForecasts forecasts, Control.CapacityTargets targets, ILogger<EvaluationWorker> logger, TimeProvider time)
    : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                Run(stoppingToken);
                done.TrySetResult();
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                done.TrySetResult();
            }
            catch (Exception ex)
            {
                done.TrySetException(ex);
            }
        })
        {
            IsBackground = true,
            Name = "window-analysis",
        };
        thread.Start();
        return done.Task;
    }

    private void Run(CancellationToken stoppingToken)
    {
        var nice = options.Value.Analysis.Nice;
        if (nice > 0 && !ThreadNice.TryLowerCurrentThread(nice))
        {
            Log.NoPriority(logger, nice);
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.Window.EvaluateEverySeconds), time);
        string? lastShape = null;
        var untrusted = string.Empty;
        IReadOnlyList<string> warnings = [];
        while (timer.WaitForNextTickAsync(stoppingToken).AsTask().GetAwaiter().GetResult())
        {
            var evaluation = twin.Evaluate(targets.TargetGbps);

            // Collect the analysis' garbage now, on this thread, rather than letting it trigger
            // collections at random points of ingest. Measured with `networktwin-lab bench agent`:
            // p99 latency 2.1-3.0 ms -> 1.4 ms, resident memory 165 -> 145 MB.
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);

            if (evaluation is null)
            {
                continue;
            }

            // Every result gets its sequence here, before anything tries to send it.
            // Forecasts come after the window they follow, with the model that made them (none without a model).
            var predicted = forecasts.After(evaluation.Report.Links, evaluation.At);
            foreach (var (link, left, f) in forecasts.Changes)
            {
                if (left)
                {
                    Log.LeftForecast(logger, link, Forecast.LinkForecasts.RunLength, f.ObservedGbps, f.PreviousMedianGbps, f.ModelName, f.ModelVersion);
                }
                else
                {
                    Log.BackInForecast(logger, link, Forecast.LinkForecasts.RunLength, f.ObservedGbps);
                }
            }

            var effects = targets.Observe(evaluation.At, evaluation.Report.Links, evaluation.LossAtTargetPercent);
            outbox.Append(Outbox.ResultMapper.From(evaluation, twin.Cells, twin.Analysis.BufferMicros, twin.Analysis.LossTarget, predicted, targets.TargetGbps, effects));

            // Log when the link picture changes, not every interval: that is what a field engineer looks for.
            var shape = string.Join("; ", evaluation.Report.Links.Select(l => string.Join(',', l.Cells)));
            if (shape != lastShape)
            {
                var links = string.Join("; ", evaluation.Report.Links.Select(l => $"link {l.Id}: cells {string.Join(',', l.Cells)} need {l.CapacityGbps:0.00} Gbit/s"));
                Log.LinksChanged(logger, evaluation.DataTimeSeconds, links, evaluation.ElapsedMs);
                lastShape = shape;
            }

            // What the analysis could not establish, logged when it changes (a field engineer's first questions).
            var unaligned = string.Join(',', evaluation.Report.Cells.Where(c => c.ClockOffsetMs is null).Select(c => c.Id));
            if (unaligned != untrusted)
            {
                if (unaligned.Length > 0)
                {
                    Log.OffsetsUntrusted(logger, unaligned);
                }
                else
                {
                    Log.OffsetsTrusted(logger);
                }

                untrusted = unaligned;
            }

            foreach (var warning in evaluation.Report.Warnings.Except(warnings, StringComparer.Ordinal))
            {
                Log.AnalysisWarning(logger, warning);
            }

            warnings = evaluation.Report.Warnings;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(4005, LogLevel.Warning, "Window analysis: {Warning}")]
        public static partial void AnalysisWarning(ILogger logger, string warning);

        [LoggerMessage(4006, LogLevel.Warning, "Clock offsets untrusted for cell(s) {Cells}: no evidence in the window (shared loss events, or a match of their RU packet counts with their DU throughput) fixes their RU clock offset, and 'networktwin agent status' shows none for them. It clears when evidence arrives; if it stays, check that both their pkt-stats and their throughput telemetry arrive")]
        public static partial void OffsetsUntrusted(ILogger logger, string cells);

        [LoggerMessage(4007, LogLevel.Information, "Clock offsets: every cell's RU clock offset is fixed by evidence again")]
        public static partial void OffsetsTrusted(ILogger logger);

        [LoggerMessage(4001, LogLevel.Information, "Link picture at data time {DataTime:0.00} s: {Links} (evaluated in {Ms:0.0} ms)")]
        public static partial void LinksChanged(ILogger logger, double dataTime, string links, double ms);

        [LoggerMessage(4003, LogLevel.Warning, "Link {Link} left its forecast: {Run} windows in a row outside the 90% band (now {Observed:0.000} Gbit/s, expected about {Expected:0.000}; model {Model} v{Version}). The forecasts keep coming and each is flagged as an anomaly; check the link and its cells for a change (new traffic, a fault), or retrain (networktwin models train)")]
        public static partial void LeftForecast(ILogger logger, int link, int run, double observed, double expected, string model, long version);

        [LoggerMessage(4004, LogLevel.Information, "Link {Link} is back within its forecast: {Run} windows in a row inside the 90% band (now {Observed:0.000} Gbit/s)")]
        public static partial void BackInForecast(ILogger logger, int link, int run, double observed);

        [LoggerMessage(4002, LogLevel.Information, "Could not set the window analysis thread to nice {Nice} (Agent:Analysis:Nice; Linux x64 and arm64 only); it runs at the agent's priority")]
        public static partial void NoPriority(ILogger logger, int nice);
    }
}
