using System.Globalization;
using NetworkTwin.Analytics.Scenario;
using NetworkTwin.Telemetry.Replay;
using NetworkTwin.Telemetry.Scenario;

namespace NetworkTwin.Central.Tests;

/// <summary>
/// What the end-to-end tests set up alike on loopback: a generated capture ready to replay, and the
/// settings of a coordinator and of an agent (site "lab") that talk to each other. Each test adds its own.
/// </summary>
internal static class LoopbackTwin
{
    /// <summary>Generates a capture into <c>capture/</c> under <paramref name="directory"/> and loads it for replay; the scenario carries the truth.</summary>
    public static async Task<(GeneratedScenario Scenario, ReplaySource Source)> CaptureAsync(string directory, ScenarioSpec spec)
    {
        var scenario = FronthaulScenarioGenerator.Generate(spec);
        var capture = Path.Combine(directory, "capture");
        await ScenarioWriter.WriteAsync(scenario, capture, null, default);
        return (scenario, await ReplaySource.LoadAsync(capture, null, default));
    }

    /// <summary>A coordinator on <paramref name="port"/> with its data under <c>central/</c> (metrics port 0 = none).</summary>
    public static Dictionary<string, string?> Coordinator(string directory, int port, int metricsPort) => new()
    {
        ["Coordinator:Port"] = port.ToString(CultureInfo.InvariantCulture),
        ["Coordinator:DataDirectory"] = Path.Combine(directory, "central"),
        ["Coordinator:Metrics:Port"] = metricsPort.ToString(CultureInfo.InvariantCulture),
        ["Logging:LogLevel:Default"] = "Warning",
    };

    /// <summary>An agent <paramref name="id"/> with its data under a folder of that name, syncing to the coordinator on <paramref name="coordinatorPort"/>.</summary>
    public static Dictionary<string, string?> Agent(string directory, string id, int brokerPort, int coordinatorPort, double evaluateEverySeconds) => new()
    {
        ["Mqtt:Port"] = brokerPort.ToString(CultureInfo.InvariantCulture),
        ["Mqtt:ClientId"] = id,
        ["Agent:Site"] = "lab",
        ["Agent:DataDirectory"] = Path.Combine(directory, id),
        ["Agent:Window:EvaluateEverySeconds"] = evaluateEverySeconds.ToString(CultureInfo.InvariantCulture),
        ["Agent:Coordinator:Address"] = $"http://127.0.0.1:{coordinatorPort}",
        ["Agent:Coordinator:AgentId"] = id,
        ["Agent:Coordinator:ReconnectMinSeconds"] = "0.2",
        ["Agent:Logging:ConsoleLevel"] = "None",
    };
}
