using System.Text.Json;
using NetworkTwin.Contracts.Status;

namespace NetworkTwin.Console.Tests.Agent;

public sealed class AgentCommandsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nt-cli-agent-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private void WriteStatus(DateTimeOffset updatedAt, bool connected)
    {
        var status = new AgentStatusDocument(
            "site-9", "1.0", 4242, updatedAt.AddMinutes(-5), updatedAt, 50_000_000, 30_000_000,
            new BrokerStatus("127.0.0.1:1883", connected, null, 3, 2, 1, connected ? null : "connection refused", ["nt/site-9/+/+"], 0),
            new IngestStatus(1000, 50_000, 4, 7, 2, 0, 100, 5000, "nt/site-9/3/throughput line 4: kbit is not a number", []),
            new LatencyStatus(900, 0.3, 1.2, 4.0),
            new WindowStatus(8, 12.5, 10, 45, updatedAt, "Loss correlation supports 2 link(s)", null),
            [new LinkStatus(1, [1, 2], 12.34, 20, 20, 5, 0.9)],
            [new CellStatus(1, 1, 100, 100, 2.5, 1.0, -12.5, "du")],
            []);
        File.WriteAllText(Path.Combine(_dir, AgentStatusDocument.FileName), JsonSerializer.Serialize(status, AgentStatusDocument.JsonOptions));
    }

    [Fact]
    public async Task Status_FreshFile_ShowsConnectionRatesRefusalsAndLinks()
    {
        WriteStatus(DateTimeOffset.UtcNow, connected: true);

        var (exit, output) = await CliRunner.RunAsync("agent", "status", "--data-dir", _dir);

        Assert.True(exit == 0, output);
        Assert.Contains("connected", output, StringComparison.Ordinal);
        Assert.Contains("2 unknown topics, 4 malformed batches, 7 malformed lines", output, StringComparison.Ordinal);
        Assert.Contains("12.34", output, StringComparison.Ordinal);
        Assert.Contains("p99 1.200 ms", output, StringComparison.Ordinal);
        Assert.Contains("kbit is not a number", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("json")]
    [InlineData("yaml")]
    public async Task Status_AsADocument_IsTheStatusFileForScripts(string format)
    {
        WriteStatus(DateTimeOffset.UtcNow, connected: true);

        var (exit, output) = await CliRunner.RunAsync("agent", "status", "--data-dir", _dir, "-o", format);

        Assert.True(exit == 0, output);
        if (format == "json")
        {
            var status = JsonSerializer.Deserialize<AgentStatusDocument>(output, AgentStatusDocument.JsonOptions)!;
            Assert.Equal(12.34, Assert.Single(status.Links).CapacityGbps);
        }
        else
        {
            // YAML reads every scalar back as text; the structure and values are the JSON document's.
            var tree = new YamlDotNet.Serialization.DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(output);
            var link = Assert.IsType<Dictionary<object, object>>(Assert.Single(Assert.IsType<List<object>>(tree["links"])));
            Assert.Equal("12.34", link["capacityGbps"]);
        }
    }

    [Fact]
    public async Task Status_StaleFile_SaysTheAgentIsNotRunningAndExitsNonZero()
    {
        WriteStatus(DateTimeOffset.UtcNow.AddMinutes(-2), connected: false);

        var (exit, output) = await CliRunner.RunAsync("agent", "status", "--data-dir", _dir);

        Assert.Equal(1, exit);
        Assert.Contains("has not updated its status", output, StringComparison.Ordinal);
        Assert.Contains("connection refused", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_NoFile_NamesThePathAndWhatToCheck()
    {
        var (exit, output) = await CliRunner.RunAsync("agent", "status", "--data-dir", Path.Combine(_dir, "nowhere"));

        Assert.Equal(3, exit);
        Assert.Contains("Is the agent running", output, StringComparison.Ordinal);
    }

    [Fact]
    public void StateLocator_PackagedSiteFile_GivesTheAgentsDataDirectory()
    {
        // As the .deb installs it: /etc/networktwin/agent.json names /var/lib/networktwin/agent.
        var site = Path.Combine(_dir, "agent.json");
        var state = Path.Combine(_dir, "var-lib-networktwin-agent");
        File.WriteAllText(site, JsonSerializer.Serialize(new { Agent = new { Site = "site-1", DataDirectory = state } }));

        var (directory, from) = NetworkTwin.Console.Agent.AgentStateLocator.Find(null, site);

        Assert.Equal(state, directory);
        Assert.Equal($"Agent:DataDirectory in {site}", from);
        Assert.Equal(_dir, NetworkTwin.Console.Agent.AgentStateLocator.Find(new DirectoryInfo(_dir), site).Directory);
    }

    [Fact]
    public void StateLocator_NoSiteFile_FallsBackToTheUsersDefault()
    {
        var (directory, _) = NetworkTwin.Console.Agent.AgentStateLocator.Find(null, Path.Combine(_dir, "missing.json"));

        Assert.Equal(AgentStatusDocument.DefaultDataDirectory, directory);
    }

    [Fact]
    public void StateLocator_BrokenSiteFile_NamesItAndTheWayOut()
    {
        var site = Path.Combine(_dir, "agent.json");
        File.WriteAllText(site, "{ \"Agent\": ");

        var error = Assert.Throws<InvalidDataException>(() => NetworkTwin.Console.Agent.AgentStateLocator.Find(null, site));

        Assert.Contains(site, error.Message, StringComparison.Ordinal);
        Assert.Contains("pass --data-dir", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Piped_ErrorsArePlainText_WithTheCommandsUsage()
    {
        // The real binary with its output in a pipe, as a script or `| less` sees it: no colour escapes.
        var (exit, output) = await NetworkTwin.Testing.ToolProcess.RunAsync(
            "networktwin.dll",
            new Dictionary<string, string?> { ["NO_COLOR"] = null },
            "agent", "status", "--data-dir", Path.Combine(_dir, "nowhere"), "--bogus");

        Assert.Equal(2, exit);
        Assert.DoesNotContain('\u001b', output);
        Assert.Contains("error: Unrecognized command or argument '--bogus'.", output, StringComparison.Ordinal);
        Assert.Contains("usage: see networktwin agent status --help", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--broker", "host:99999", "--broker")]
    [InlineData("--qos", "2", "--qos must be 0 or 1")]
    [InlineData("--speed", "-1", "--speed must be")]
    public async Task Replay_BadOption_IsAUsageErrorNamingIt(string option, string value, string expected)
    {
        var (exit, output) = await CliRunner.RunAsync("lab", "replay", "--data", _dir, option, value);

        Assert.Equal(2, exit);
        Assert.Contains(expected, output, StringComparison.Ordinal);
    }
}
