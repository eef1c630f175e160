namespace NetworkTwin.Telemetry.Files;

/// <summary>How a capture folder is read.</summary>
public sealed record FronthaulLoadOptions
{
    /// <summary>
    /// DU time of slot 0 of a per-slot CSV, which carries no timestamps. The real capture's DU log
    /// starts at 1.01 s.
    /// </summary>
    public double SlotTableStartSeconds { get; init; } = 1.01;

    /// <summary>How deep below the folder to look for files.</summary>
    public int MaxDepth { get; init; } = 3;

    /// <summary>Files read at once.</summary>
    public int Parallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>Malformed lines kept for the report (all are counted).</summary>
    public int MaxMalformedSamples { get; init; } = 50;
}
