using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NetworkTwin.Central.Repository;
using NetworkTwin.Central.Sync;
using NetworkTwin.Contracts.Operators;
using NetworkTwin.Contracts.Sync;
using NetworkTwin.Hosting;
using NetworkTwin.Learning.Forecast;
using NetworkTwin.Learning.Series;

namespace NetworkTwin.Central.Training;

/// <summary>
/// Learns the agents' forecast model from the repository: every (agent, link) load history becomes a
/// series; the newest part of each is held out; a Bayesian network trains on the rest, is exported to
/// ONNX and judged on the held-out windows next to the shipped model and the last-value baseline. Every
/// candidate is stored as a version; it is shipped (a model update to every agent it learned from)
/// only when it beats the shipped model on those windows.
/// </summary>
internal sealed partial class ModelTrainer(CoordinatorRepository repository, CommandSignal signal, LearningOptions options, Replicas.SingletonLease lease, ILogger<ModelTrainer> logger, TimeProvider time) : BackgroundService
{
    public const string ModelName = "link-load";

    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Trains one candidate now and decides about it; returns its record (state "not-trained" when the history is too short).</summary>
    public async Task<ModelRecord> TrainAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await Task.Run(Train, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private ModelRecord Train()
    {
        var now = time.GetUtcNow();
        var since = now.AddHours(-options.HistoryHours).ToUnixTimeMilliseconds();
        // A sample of the estate, the longest histories, bounds the round: its reads and its training do not grow with the agents.
        var withLinks = repository.Results.AgentsWithLinks(since);
        var series = Series(repository.Results.LinkLoads(withLinks.Take(options.MaxAgents), since, options.MaxWindowsPerLink), options.MinWindows, out var step);
        if (series.Count == 0)
        {
            return new ModelRecord
            {
                Name = ModelName,
                State = "not-trained",
                Detail = string.Create(CultureInfo.InvariantCulture, $"no link has {options.MinWindows} windows of history in the last {options.HistoryHours:0.#} h yet"),
                TrainedUnixMs = now.ToUnixTimeMilliseconds(),
            };
        }

        var clock = Stopwatch.StartNew();
        var longest = series.Max(s => s.Series.Values.Length);
        var days = longest * step / 86400;
        var spec = new FeatureSpec
        {
            // A short history (a new site) cannot spare 37 windows before its first row: look back less.
            Lags = longest >= 1000 ? [1, 2, 3, 6, 12, 24, 36] : [1, 2, 3, 6, 12],
            RecentSteps = longest >= 1000 ? 12 : 6,
            StepSeconds = step,
            Horizon = 1,
            SeasonSteps = days >= 3 && 86400 % step == 0 ? (int)(86400 / step) : 0,
            Calendar = days >= 2,
            Offset = ForecastEvaluation.Offset([.. series.Select(s => s.Series)], int.MaxValue),
        };

        // Per series: the first 70% trains, the next 10% picks the epoch and calibrates, the newest holdout judges.
        var train = new TrainingSet(spec);
        var validation = new TrainingSet(spec);
        var holdout = new TrainingSet(spec);
        var all = series.Select(s => s.Series).ToList();
        var judgeFroms = new int[all.Count];
        for (var i = 0; i < all.Count; i++)
        {
            var n = all[i].Values.Length;
            var judgeFrom = judgeFroms[i] = (int)(n * (1 - options.HoldoutFraction));
            var validateFrom = (int)(judgeFrom * 0.875);
            var one = new[] { all[i] };
            train.Add(one, 0, validateFrom);
            validation.Add(one, validateFrom, judgeFrom);
            holdout.Add(one, judgeFrom, n);
        }

        if (train.Count < 30 || validation.Count < 10 || holdout.Count < 10)
        {
            return new ModelRecord { Name = ModelName, State = "not-trained", Detail = $"too few rows after the history each window needs ({spec.HistoryNeeded} windows): {train.Count} to train, {holdout.Count} to judge", TrainedUnixMs = now.ToUnixTimeMilliseconds() };
        }

        var bnn = new BnnOptions { Epochs = options.Epochs };
        var (net, draws) = ForecastEvaluation.Train(train, validation, bnn, null, "coordinator");
        var shipped = repository.Models.Shipped();
        var version = (repository.Models.List(1) is [var newest, ..] ? newest.Version : 0) + 1;
        var description = $"next-window link load, learned from {series.Count} links of {series.Select(x => x.AgentId).Distinct(StringComparer.Ordinal).Count()} agents on the coordinator";
        var onnx = BnnExport.ToOnnx(net, spec, draws, version, description);
        clock.Stop();

        var candidate = Judge(onnx, holdout, out var coverage);
        var previous = shipped is { } s ? JudgeOrNaN(s.Onnx, all, judgeFroms) : double.NaN;
        var lastValue = LastValueWape(holdout);
        var better = double.IsNaN(previous) || candidate < previous;
        var record = new ModelRecord
        {
            Name = ModelName,
            TrainedUnixMs = now.ToUnixTimeMilliseconds(),
            State = better ? "shipped" : "kept-previous",
            Series = series.Count,
            TrainRows = train.Count + validation.Count,
            HoldoutWape = candidate,
            HoldoutCoverage = coverage,
            PreviousWape = previous,
            LastValueWape = lastValue,
            TrainSeconds = clock.Elapsed.TotalSeconds,
            Sha256 = Convert.ToHexString(SHA256.HashData(onnx)),
            SizeBytes = onnx.Length,
            Detail = better
                ? (double.IsNaN(previous) ? FirstModel(candidate, lastValue) : string.Create(CultureInfo.InvariantCulture, $"beats the shipped model on the held-out windows ({candidate:P2} vs {previous:P2} WAPE)"))
                : string.Create(CultureInfo.InvariantCulture, $"not better than shipped v{shipped!.Value.Record.Version} on the held-out windows ({candidate:P2} vs {previous:P2} WAPE); kept that one"),
        };
        record = repository.Models.Save(record, onnx);
        if (record.Version != version)
        {
            // Another coordinator stored a model meanwhile: the version inside the ONNX metadata must match the row, stored and shipped alike.
            onnx = BnnExport.ToOnnx(net, spec, draws, record.Version, description);
            repository.Models.Update(record, onnx);
        }

        if (better)
        {
            // One command per agent with a link in the history, learned from or not (the model reads each link's own
            // level); each names the stored version, whose bytes are stored once, with the model.
            var update = new ModelUpdate { Name = ModelName, Version = record.Version, Sha256 = Convert.ToHexString(SHA256.HashData(onnx)) };
            List<string> agents = [.. withLinks.Order(StringComparer.Ordinal)];
            repository.Commands.IssueModelUpdate(agents, update, $"model {ModelName} v{record.Version}: {record.Detail}");
            record.Agents.AddRange(agents);

            record.Sha256 = update.Sha256;
            repository.Models.Update(record);
            repository.Decisions.Audit(0, "coordinator", "model rolled out", $"model {ModelName} v{record.Version} to {Named(agents)}: {record.Detail}");
            foreach (var agent in record.Agents)
            {
                signal.Notify(agent);
            }
        }

        Log.Trained(logger, record.Version, record.State, candidate, previous, lastValue, record.TrainSeconds, series.Count, record.Detail);
        return record;
    }

    /// <summary>The agents a model went to, as an audit entry names them: all of them up to 20, else the first 20 and how many more.</summary>
    internal static string Named(IReadOnlyList<string> agents) => agents.Count <= 20
        ? string.Join(", ", agents)
        : string.Create(CultureInfo.InvariantCulture, $"{agents.Count} agents: {string.Join(", ", agents.Take(20))} and {agents.Count - 20} more");

    private static string FirstModel(double candidate, double lastValue) => candidate <= lastValue
        ? string.Create(CultureInfo.InvariantCulture, $"first model; beats the last value on the held-out windows ({candidate:P2} vs {lastValue:P2} WAPE)")
        : string.Create(CultureInfo.InvariantCulture, $"first model, shipped for its intervals; on these held-out windows the last value does better ({lastValue:P2} vs {candidate:P2} WAPE), so a later model with more history should replace it");

    /// <summary>Each (agent, link) history as a series at the common evaluation step (the median gap between windows).</summary>
    internal static List<(string AgentId, int LinkId, LoadSeries Series)> Series(IReadOnlyList<(string AgentId, int LinkId, long ProducedUnixMs, double MeanGbps, string Cells)> loads, int minWindows, out double stepSeconds)
    {
        var groups = loads
            .Where(l => double.IsFinite(l.MeanGbps) && l.MeanGbps >= 0)
            .GroupBy(l => (l.AgentId, l.LinkId, l.Cells))
            .Where(g => g.Count() >= minWindows)
            .ToList();
        var gaps = groups.SelectMany(g => g.Zip(g.Skip(1), (a, b) => (b.ProducedUnixMs - a.ProducedUnixMs) / 1000.0)).Where(d => d > 0).Order().ToList();
        stepSeconds = gaps.Count == 0 ? 1 : Math.Round(gaps[gaps.Count / 2], 3);
        var step = stepSeconds;
        return [.. groups.Select(g => (g.Key.AgentId, g.Key.LinkId, new LoadSeries($"{g.Key.AgentId}/link {g.Key.LinkId}", DateTimeOffset.FromUnixTimeMilliseconds(g.First().ProducedUnixMs), step, [.. g.Select(l => l.MeanGbps)])))];
    }

    private static double Judge(byte[] onnx, TrainingSet rows, out double coverage)
    {
        using var forecaster = LoadForecaster.Load(onnx);
        var predictions = forecaster.PredictRows(rows);
        double error = 0, total = 0;
        var covered = 0;
        for (var i = 0; i < rows.Count; i++)
        {
            var actual = FeatureBuilder.FromZ(rows.Spec, rows.Levels[i] + rows.Targets[i]);
            error += Math.Abs(actual - predictions[i].Median);
            total += actual;
            covered += actual >= predictions[i].Lower && actual <= predictions[i].Upper ? 1 : 0;
        }

        coverage = (double)covered / rows.Count;
        return error / Math.Max(total, 1e-12);
    }

    /// <summary>
    /// The shipped model's WAPE on the same held-out windows, its inputs built with its own feature spec;
    /// NaN when it cannot judge them (another step, say), so the candidate wins.
    /// </summary>
    private static double JudgeOrNaN(byte[] onnx, List<LoadSeries> series, int[] judgeFroms)
    {
        FeatureSpec spec;
        try
        {
            using var shipped = LoadForecaster.Load(onnx);
            spec = shipped.Spec;
        }
        catch (InvalidDataException)
        {
            return double.NaN;
        }

        if (!spec.StepMatches(series[0].StepSeconds))
        {
            return double.NaN;
        }

        var rows = new TrainingSet(spec);
        for (var i = 0; i < series.Count; i++)
        {
            rows.Add([series[i]], judgeFroms[i], series[i].Values.Length);
        }

        return rows.Count == 0 ? double.NaN : Judge(onnx, rows, out _);
    }

    private static double LastValueWape(TrainingSet rows)
    {
        double error = 0, total = 0;
        for (var i = 0; i < rows.Count; i++)
        {
            var actual = FeatureBuilder.FromZ(rows.Spec, rows.Levels[i] + rows.Targets[i]);
            error += Math.Abs(actual - FeatureBuilder.FromZ(rows.Spec, rows.Levels[i]));
            total += actual;
        }

        return error / Math.Max(total, 1e-12);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PeriodicRounds.RunAsync(TimeSpan.FromMinutes(options.EveryMinutes), time, lease.Only("training", TrainAsync), ex => Log.Failed(logger, ex.Message, ex), stoppingToken);

    private static partial class Log
    {
        [LoggerMessage(EventId = 40, Level = LogLevel.Information, Message = "Model v{Version} {State}: held-out WAPE {Wape:P2} (shipped model {Previous:P2}, last value {LastValue:P2}), trained in {Seconds:0.0} s on {Series} agent links; {Detail}")]
        public static partial void Trained(ILogger logger, long version, string state, double wape, double previous, double lastValue, double seconds, int series, string detail);

        [LoggerMessage(EventId = 41, Level = LogLevel.Warning, Message = "Training round failed: {Reason}. The shipped model stays in use; the next round tries again")]
        public static partial void Failed(ILogger logger, string reason, Exception exception);
    }
}
