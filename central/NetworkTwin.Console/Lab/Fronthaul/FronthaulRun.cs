using NetworkTwin.Analytics.Fronthaul;
using NetworkTwin.Telemetry.Files;

namespace NetworkTwin.Console.Lab.Fronthaul;

/// <summary>One analysis run: inputs, the loaded capture, the report and how long it took.</summary>
public sealed record FronthaulRun(
    string Folder,
    FronthaulOptions Options,
    LoadedCapture Capture,
    FronthaulReport Report,
    double LoadSeconds,
    double TotalSeconds)
{
    public ReportOutputs Outputs { get; init; } = new(null, null);
}
