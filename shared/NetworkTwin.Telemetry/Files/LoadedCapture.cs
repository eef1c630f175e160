using NetworkTwin.Analytics.Fronthaul;
using NetworkTwin.Analytics.Parsing;

namespace NetworkTwin.Telemetry.Files;

/// <summary>A capture folder after reading: the data, the files used, and what was rejected.</summary>
public sealed record LoadedCapture(
    FronthaulDataset Dataset,
    IReadOnlyList<FronthaulFile> Files,
    IReadOnlyList<string> Rejected,
    IReadOnlyList<MalformedLine> MalformedSamples,
    long BytesRead);
