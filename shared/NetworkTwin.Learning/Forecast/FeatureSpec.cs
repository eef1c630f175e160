using System.Text.Json;

namespace NetworkTwin.Learning.Forecast;

/// <summary>
/// How a load history becomes model inputs; stored in the model's metadata so that the agent that runs
/// the model builds exactly the inputs it was trained on. All features are differences of
/// log(load + Offset), so one model serves links of any size.
/// </summary>
public sealed record FeatureSpec
{
    public const string MetadataKey = "networktwin.features";

    /// <summary>Seconds between two loads of the series (5 minutes for Abilene, the window interval at the edge).</summary>
    public double StepSeconds { get; init; } = 300;

    /// <summary>How many steps ahead the model predicts.</summary>
    public int Horizon { get; init; } = 1;

    /// <summary>Steps back for the momentum features z(t) - z(t - lag).</summary>
    public int[] Lags { get; init; } = [1, 2, 3, 6, 12, 24, 36];

    /// <summary>Steps per season (a day); 0 when the history is too short for seasonal features.</summary>
    public int SeasonSteps { get; init; } = 288;

    /// <summary>Added before the logarithm so that idle periods stay finite (about 1% of a typical load).</summary>
    public double Offset { get; init; } = 1;

    public double EwmaAlpha { get; init; } = 0.3;

    /// <summary>Steps over which the recent volatility and the recent mean level are taken.</summary>
    public int RecentSteps { get; init; } = 12;

    /// <summary>Half-width, in steps, of the average taken around the same time one season ago (noise in one old load should not steer the forecast).</summary>
    public int SeasonSmoothing { get; init; } = 2;

    /// <summary>Most seasons averaged into the profile features (as many as the history holds, up to this).</summary>
    public int ProfileSeasons { get; init; } = 7;

    /// <summary>Whether time-of-day and weekend features are used (needs real timestamps).</summary>
    public bool Calendar { get; init; } = true;

    public int FeatureCount => Lags.Length + 4 + (SeasonSteps > 0 ? 4 : 0) + (Calendar ? 5 : 0);

    /// <summary>Loads needed before the first prediction (the one at the last of them).</summary>
    public int HistoryNeeded => Math.Max(Math.Max(Lags.DefaultIfEmpty(0).Max(), 2 * RecentSteps), SeasonSteps > 0 ? SeasonSteps + SeasonSmoothing + 1 : 0) + 1;

    public IReadOnlyList<string> FeatureNames()
    {
        var names = Lags.Select(l => $"dz_lag{l}").ToList();
        names.AddRange(["z_minus_ewma", "volatility", "z_minus_recent_mean", "z_minus_last3_mean"]);
        if (SeasonSteps > 0)
        {
            names.AddRange(["season_target_minus_z", "season_change", "profile_target_minus_z", "profile_change"]);
        }

        if (Calendar)
        {
            names.AddRange(["tod_sin", "tod_cos", "tod_sin2", "tod_cos2", "weekend"]);
        }

        return names;
    }

    /// <summary>Whether loads <paramref name="seconds"/> apart are what this model predicts from (within 10%).</summary>
    public bool StepMatches(double seconds) => Math.Abs(StepSeconds - seconds) <= 0.1 * seconds;

    public string ToJson() => JsonSerializer.Serialize(this, ModelJson.Default.FeatureSpec);

    public static FeatureSpec FromJson(string json) =>
        JsonSerializer.Deserialize(json, ModelJson.Default.FeatureSpec) ?? throw new FormatException("feature spec: empty");

    /// <summary>Problems with the spec (for a model that arrives from outside), empty when usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Lags is null)
        {
            // "Lags": null in the JSON of a model from outside; everything below reads the lags.
            problems.Add("Lags must be a list of steps, not null");
            return problems;
        }

        if (!(StepSeconds > 0))
        {
            problems.Add($"StepSeconds {StepSeconds} must be positive");
        }

        if (Horizon < 1 || Horizon > 100_000)
        {
            problems.Add($"Horizon {Horizon} must be 1..100000 steps");
        }

        if (Lags.Any(l => l < 1 || l > 100_000))
        {
            problems.Add("Lags must be 1..100000 steps");
        }

        if (SeasonSteps < 0 || SeasonSteps > 100_000)
        {
            problems.Add($"SeasonSteps {SeasonSteps} must be 0..100000");
        }

        if (!(Offset > 0) || !double.IsFinite(Offset))
        {
            problems.Add($"Offset {Offset} must be positive");
        }

        if (!(EwmaAlpha > 0 && EwmaAlpha <= 1))
        {
            problems.Add($"EwmaAlpha {EwmaAlpha} must be in (0, 1]");
        }

        if (SeasonSmoothing < 0 || (SeasonSteps > 0 && SeasonSmoothing >= SeasonSteps / 2))
        {
            problems.Add($"SeasonSmoothing {SeasonSmoothing} must be 0..SeasonSteps/2");
        }

        if (RecentSteps < 3 || RecentSteps > 10_000)
        {
            problems.Add($"RecentSteps {RecentSteps} must be 3..10000");
        }

        return problems;
    }
}
