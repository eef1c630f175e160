using System.ComponentModel.DataAnnotations;
namespace NetworkTwin.Central.Training;

/// <summary>Coordinator:Learning: how often the coordinator retrains the agents' forecast model, and from what.</summary>
internal sealed record LearningOptions
{
    /// <summary>Minutes between training rounds; 0 = only when an operator asks (networktwin models train).</summary>
    [Range(0d, 10080d)]
    public double EveryMinutes { get; init; } = 60;

    /// <summary>How far back the history it learns from reaches.</summary>
    [Range(0d, 2160d, MinimumIsExclusive = true)]
    public double HistoryHours { get; init; } = 168;

    /// <summary>Windows a link's history needs before it is learned from.</summary>
    [Range(30, 1_000_000)]
    public int MinWindows { get; init; } = 120;

    /// <summary>The newest windows of each link that are read (older ones add little and cost memory).</summary>
    public int MaxWindowsPerLink { get; init; } = 20_000;

    /// <summary>
    /// Agents a round learns from: those with a link in the history and the most results stored. A round reads at most
    /// this many agents' links x MaxWindowsPerLink windows, however large the estate; the model goes to every agent with a link.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxAgents { get; init; } = 32;

    /// <summary>Training passes over the history per round.</summary>
    [Range(1, 1000)]
    public int Epochs { get; init; } = 30;

    /// <summary>Share of each link's newest windows held out to judge the model (and the shipped one) on.</summary>
    [Range(0.05, 0.5)]
    public double HoldoutFraction { get; init; } = 0.2;

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (EveryMinutes is < 0 or > 10080)
        {
            errors.Add($"Coordinator:Learning:EveryMinutes must be 0..10080 (got {EveryMinutes}).");
        }

        if (HistoryHours is <= 0 or > 24 * 90)
        {
            errors.Add($"Coordinator:Learning:HistoryHours must be above 0 and at most 2160 (got {HistoryHours}).");
        }

        if (MinWindows is < 30 or > 1_000_000)
        {
            errors.Add($"Coordinator:Learning:MinWindows must be 30..1000000 (got {MinWindows}).");
        }

        if (MaxWindowsPerLink < MinWindows || MaxWindowsPerLink > 1_000_000)
        {
            errors.Add($"Coordinator:Learning:MaxWindowsPerLink must be MinWindows..1000000 (got {MaxWindowsPerLink}).");
        }

        if (MaxAgents is < 1 or > 100_000)
        {
            errors.Add($"Coordinator:Learning:MaxAgents must be 1..100000 (got {MaxAgents}).");
        }

        if (Epochs is < 1 or > 1000)
        {
            errors.Add($"Coordinator:Learning:Epochs must be 1..1000 (got {Epochs}).");
        }

        if (HoldoutFraction is < 0.05 or > 0.5)
        {
            errors.Add($"Coordinator:Learning:HoldoutFraction must be 0.05..0.5 (got {HoldoutFraction}).");
        }

        return errors;
    }
}
