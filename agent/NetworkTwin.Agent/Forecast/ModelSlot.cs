using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NetworkTwin.Agent.Configuration;
using NetworkTwin.Agent.Live;
using NetworkTwin.Learning.Forecast;

namespace NetworkTwin.Agent.Forecast;

/// <summary>
/// The load-forecast model the agent predicts with. A new model is loaded and checked before it replaces the current one
/// (ONNX Runtime accepts it, it is a load forecast with usable features, it predicts finite values, and its step matches
/// this agent's evaluation interval, as configured or as kept lately); a model that fails is refused with the reason and
/// the agent keeps the one it has. At start the newest model under <c>models/</c> that passes the same checks is loaded.
/// </summary>
internal sealed partial class ModelSlot(IOptions<AgentOptions> options, ILogger<ModelSlot> logger, EvaluationCadence? cadence = null) : IDisposable
{
    private readonly Lock _gate = new();
    private LoadForecaster? _current;
    private string _name = string.Empty;
    private bool _started;

    /// <summary>Name and version of the model in use ("" and 0 when none).</summary>
    public (string Name, long Version) Current
    {
        get
        {
            lock (_gate)
            {
                EnsureStarted();
                return (_name, _current?.Version ?? 0);
            }
        }
    }

    /// <summary>Runs <paramref name="work"/> with the current model (null when there is none), which is not swapped meanwhile.</summary>
    public T Use<T>(Func<LoadForecaster?, string, T> work)
    {
        lock (_gate)
        {
            EnsureStarted();
            return work(_current, _name);
        }
    }

    /// <summary>Checks a model and, when it passes, makes it the current one; throws <see cref="InvalidDataException"/> with the reason otherwise.</summary>
    public string Install(string name, long version, byte[] model)
    {
        var candidate = Check(model, version);
        lock (_gate)
        {
            EnsureStarted();
            var previous = _current;
            _current = candidate;
            _name = name;
            previous?.Dispose();
        }

        Log.Installed(logger, name, version, candidate.Spec.StepSeconds, candidate.Spec.HistoryNeeded);
        return string.Create(CultureInfo.InvariantCulture, $"model {name} v{version} in use (predicts {candidate.Spec.Horizon} step of {candidate.Spec.StepSeconds:0.###} s ahead from {candidate.Spec.HistoryNeeded} windows of history)");
    }

    private LoadForecaster Check(byte[] model, long version)
    {
        var forecaster = LoadForecaster.Load(model);
        // The coordinator trains on the spacing of the results it receives: the configured interval, or the longer one an
        // agent that cannot keep it (a slow box, many cells) does keep.
        var step = options.Value.Window.EvaluateEverySeconds;
        var kept = cadence?.MedianIntervalSeconds;
        if (!forecaster.Spec.StepMatches(step) && !(kept is { } actual && forecaster.Spec.StepMatches(actual)))
        {
            forecaster.Dispose();
            var lately = kept is { } k ? string.Create(CultureInfo.InvariantCulture, $" and has lately evaluated every {k:0.###} s") : string.Empty;
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"model v{version} predicts steps of {forecaster.Spec.StepSeconds:0.###} s, this agent evaluates every {step:0.###} s (Agent:Window:EvaluateEverySeconds){lately}; keeping the current model"));
        }

        return forecaster;
    }

    private void EnsureStarted()
    {
        if (_started)
        {
            return;
        }

        _started = true;
        var folder = Path.Combine(options.Value.ResolvedDataDirectory, "models");
        if (!Directory.Exists(folder))
        {
            return;
        }

        // Newest version first; a file that fails the checks is skipped with a log line.
        var files = Directory.GetFiles(folder, "*.onnx")
            .Select(f => (File: f, Match: FileName().Match(Path.GetFileName(f))))
            .Where(x => x.Match.Success)
            .OrderByDescending(x => long.Parse(x.Match.Groups[2].Value, CultureInfo.InvariantCulture));
        foreach (var (file, match) in files)
        {
            try
            {
                var version = long.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
                _current = Check(File.ReadAllBytes(file), version);
                _name = match.Groups[1].Value;
                Log.Loaded(logger, file, _current.Version);
                return;
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException or NetworkTwin.Onnx.OnnxRuntimeException)
            {
                Log.Unusable(logger, file, e.Message);
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _current?.Dispose();
            _current = null;
        }
    }

    [GeneratedRegex(@"^([A-Za-z0-9_-]{1,64})-v([0-9]{1,18})\.onnx$")]
    private static partial Regex FileName();

    private static partial class Log
    {
        [LoggerMessage(EventId = 60, Level = LogLevel.Information, Message = "Forecast model {Name} v{Version} is in use: it predicts the next {StepSeconds} s window of every link once {History} windows have been seen")]
        public static partial void Installed(ILogger logger, string name, long version, double stepSeconds, int history);

        [LoggerMessage(EventId = 61, Level = LogLevel.Information, Message = "Loaded forecast model {File} (v{Version}) from the data directory")]
        public static partial void Loaded(ILogger logger, string file, long version);

        [LoggerMessage(EventId = 62, Level = LogLevel.Warning, Message = "Skipped the stored model {File}: {Reason}. The agent uses an older stored model if one passes, else forecasts nothing until the coordinator sends a model; check that the file is complete")]
        public static partial void Unusable(ILogger logger, string file, string reason);
    }
}
