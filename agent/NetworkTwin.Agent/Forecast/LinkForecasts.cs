using NetworkTwin.Analytics.Fronthaul;
using NetworkTwin.Contracts.Sync;

namespace NetworkTwin.Agent.Forecast;

/// <summary>
/// Every link's load history (one mean per evaluation) and its previous forecast. After each
/// evaluation it predicts every link's next window with the current model, and flags the window just
/// seen as an anomaly when its load fell outside the previous forecast's 90% interval. A link whose
/// cells change starts a new history. Used from the evaluation thread only.
/// </summary>
internal sealed class LinkForecasts(ModelSlot models, double capacityProbability = 0.99)
{
    private const int MinHistory = 4096;

    private readonly Dictionary<int, LinkState> _links = [];

    public long Produced { get; private set; }

    public long Anomalies { get; private set; }

    /// <summary>Windows in a row outside the band before a link is reported as leaving its forecast (and back inside before it is reported as recovered).</summary>
    public const int RunLength = 3;

    /// <summary>Links whose loads left (or came back into) the forecast band in the last call: what a field engineer's log gets, instead of every window.</summary>
    public List<(int LinkId, bool Left, LoadForecast Forecast)> Changes { get; } = [];

    public List<LoadForecast> After(IReadOnlyList<LinkReport> links, DateTimeOffset at)
    {
        var forecasts = new List<LoadForecast>();
        var live = new HashSet<int>();
        Changes.Clear();
        foreach (var link in links)
        {
            live.Add(link.Id);
            var cells = string.Join(',', link.Cells);
            if (!_links.TryGetValue(link.Id, out var state) || state.Cells != cells)
            {
                state = new LinkState(cells);
                _links[link.Id] = state;
            }

            var forecast = models.Use((model, name) =>
            {
                // Keep at least twice what the model looks back over (seasonal models need a day or more).
                state.Add(link.MeanGbps, Math.Max(MinHistory, 2 * (model?.Spec.HistoryNeeded ?? 0)));
                if (model is null || state.Count < model.Spec.HistoryNeeded)
                {
                    return null;
                }

                var p = model.Predict(state.History, at);
                return new LoadForecast
                {
                    LinkId = link.Id,
                    ObservedGbps = link.MeanGbps,
                    MeanGbps = p.Mean,
                    StdGbps = p.Std,
                    MedianGbps = p.Median,
                    LowerGbps = p.Lower,
                    UpperGbps = p.Upper,
                    RequiredCapacityGbps = model.Quantile(p, capacityProbability),
                    CapacityProbability = capacityProbability,
                    ModelName = name,
                    ModelVersion = model.Version,
                    StepSeconds = model.Spec.StepSeconds * model.Spec.Horizon,
                };
            });

            if (forecast is null)
            {
                state.Previous = null;
                continue;
            }

            forecast.Cells.AddRange(link.Cells);
            forecast.PreviousMedianGbps = state.Previous?.MedianGbps ?? double.NaN;
            forecast.Anomaly = state.Previous is { } previous && (link.MeanGbps < previous.LowerGbps || link.MeanGbps > previous.UpperGbps);
            Anomalies += forecast.Anomaly ? 1 : 0;
            state.Run = forecast.Anomaly == state.Outside ? 0 : state.Run + 1;
            if (state.Run >= RunLength)
            {
                state.Outside = !state.Outside;
                state.Run = 0;
                Changes.Add((link.Id, state.Outside, forecast));
            }

            Produced++;
            state.Previous = forecast;
            forecasts.Add(forecast);
        }

        foreach (var gone in _links.Keys.Where(id => !live.Contains(id)).ToList())
        {
            _links.Remove(gone);
        }

        return forecasts;
    }

    private sealed class LinkState(string cells)
    {
        private readonly List<double> _history = [];

        public string Cells { get; } = cells;

        public LoadForecast? Previous { get; set; }

        /// <summary>Whether the link is currently reported as outside its forecast band, and how many windows in a row disagree with that.</summary>
        public bool Outside { get; set; }

        public int Run { get; set; }

        public int Count => _history.Count;

        public ReadOnlySpan<double> History => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_history);

        public void Add(double load, int limit)
        {
            if (_history.Count >= limit)
            {
                _history.RemoveRange(0, _history.Count - (limit / 2));
            }

            _history.Add(load);
        }
    }
}
