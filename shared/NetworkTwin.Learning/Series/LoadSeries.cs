namespace NetworkTwin.Learning.Series;

/// <summary>A link's load at a fixed step: value i covers [Start + i*Step, Start + (i+1)*Step).</summary>
public sealed record LoadSeries(string Name, DateTimeOffset Start, double StepSeconds, double[] Values)
{
    public DateTimeOffset TimeOf(int index) => Start.AddSeconds(index * StepSeconds);

    /// <summary>Steps per day, or 0 when the step does not divide a day.</summary>
    public int StepsPerDay => 86400 % StepSeconds == 0 ? (int)(86400 / StepSeconds) : 0;
}
