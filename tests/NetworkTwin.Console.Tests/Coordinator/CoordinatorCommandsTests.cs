using System.Globalization;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using NetworkTwin.Central.Service;
using NetworkTwin.Contracts.Sync;
using NetworkTwin.Testing;
using NetworkTwin.Testing.Launchers;

namespace NetworkTwin.Console.Tests.Coordinator;

/// <summary>The operators' commands against a real coordinator that one simulated agent has synced to.</summary>
public sealed class CoordinatorCommandsTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nt-ops-").FullName;
    private WebApplication _coordinator = null!;
    private string _address = string.Empty;

    public async Task InitializeAsync()
    {
        var port = LoopbackPort.Free();
        _address = $"http://127.0.0.1:{port}";
        _coordinator = CoordinatorHost.Build([], c => c.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Coordinator:Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["Coordinator:DataDirectory"] = _dir,
            ["Coordinator:OperatorTokens:noc"] = "ops-secret-0123456789",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Coordinator:Control:EverySeconds"] = "0.2",
            ["Coordinator:Control:SettleSeconds"] = "0",
            ["Coordinator:Topology:EverySeconds"] = "3600", // the link map is the one a test stores, not rediscovered under it
        }));
        await _coordinator.StartAsync();

        using var channel = CoordinatorClients.Channel(new Uri(_address));
        await channel.AgentSync().RegisterAsync(new RegisterRequest { AgentId = "du-paris-1", Site = "paris", Version = "1.2.3" });
        var batch = new UplinkBatch { AgentId = "du-paris-1" };
        for (var s = 1; s <= 4; s++)
        {
            var link = new LinkCapacity { LinkId = 1 + (s % 2), CapacityGbps = 40 + s, PeakGbps = 90, MeanGbps = 18, ObservedLossPercent = 0.9 };
            link.Cells.AddRange(s % 2 == 0 ? [1, 2, 3] : [4, 5, 6]);
            batch.Results.Add(new Result { Sequence = s, ProducedUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), Link = link });
        }

        await UploadAsync(channel, batch);
    }

    /// <summary>Sends one batch on the uplink as an agent does and waits for its acknowledgement.</summary>
    private static async Task UploadAsync(GrpcChannel channel, UplinkBatch batch)
    {
        using var call = channel.AgentSync().Uplink();
        await call.RequestStream.WriteAsync(batch);
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        await call.RequestStream.CompleteAsync();
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
        }
    }

    public async Task DisposeAsync()
    {
        await _coordinator.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task TokenOnTheCommandLine_WarnedOnStderr_JsonOnStdoutStaysClean()
    {
        var (exit, output, error) = await CliRunner.RunWithErrorAsync("agents", "-o", "json", "--coordinator", _address, "--token", "ops-secret-0123456789");

        Assert.True(exit == 0, output + error);
        Assert.Contains("warning: --token shows the operator token to every account on this machine (ps)", error, StringComparison.Ordinal);
        Assert.DoesNotContain("ops-secret", error, StringComparison.Ordinal);
        using var json = System.Text.Json.JsonDocument.Parse(output);
        Assert.Contains("du-paris-1", json.RootElement.GetRawText(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("agents")]
    [InlineData("version")]
    public async Task CaFileWithoutACertificate_IsAUsageErrorNamingIt_NotAStackTrace(string command)
    {
        var notACa = Path.Combine(_dir, "notes.txt");
        await File.WriteAllTextAsync(notACa, "the coordinator's CA is in the vault\n");

        var (exit, output) = await CliRunner.RunAsync(command, "--coordinator", "https://127.0.0.1:1", "--ca", notACa);

        Assert.Equal(2, exit);
        Assert.Contains($"error: --ca {notACa}: {notACa} holds no PEM certificate", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AgentsAndLinks_ShowWhatTheAgentSynced_LatestResultPerLink()
    {
        var (exit, agents) = await CliRunner.RunAsync("agents", "--coordinator", _address, "--token", "ops-secret-0123456789");
        var (exit2, links) = await CliRunner.RunAsync("links", "--coordinator", _address, "--token", "ops-secret-0123456789", "--site", "paris");

        Assert.True(exit == 0 && exit2 == 0, agents + links);
        Assert.Contains("du-paris-1", agents, StringComparison.Ordinal);
        Assert.Contains("1.2.3", agents, StringComparison.Ordinal);
        Assert.Contains("44.00", links, StringComparison.Ordinal);
        Assert.Contains("43.00", links, StringComparison.Ordinal);
        Assert.DoesNotContain("41.00", links, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decisions_ApproveAndAudit_GovernAChangeAndRecordTheTokensName()
    {
        // Link 3 needs 30 Gbit/s and has a target of 10: the control loop proposes 33 and holds it (+2300 per month).
        using (var channel = CoordinatorClients.Channel(new Uri(_address)))
        {
            var link = new LinkCapacity { LinkId = 3, CapacityGbps = 30, PeakGbps = 60, MeanGbps = 12, ObservedLossPercent = 4, LossTarget = 0.01, BufferMicros = 143, TargetGbps = 10, Cells = { 7, 8 } };
            await UploadAsync(channel, new UplinkBatch { AgentId = "du-paris-1", Results = { new Result { Sequence = 5, ProducedUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), Link = link } } });
        }

        var token = new[] { "--coordinator", _address, "--token", "ops-secret-0123456789" };
        var output = string.Empty;
        for (var i = 0; i < 50 && !output.Contains("held", StringComparison.Ordinal); i++)
        {
            await Task.Delay(200);
            (_, output) = await CliRunner.RunAsync(["decisions", "--state", "held", .. token]);
        }

        Assert.Contains("10 -> 33", output, StringComparison.Ordinal);
        Assert.Contains("networktwin approve ID", output, StringComparison.Ordinal);
        var (noNote, usage) = await CliRunner.RunAsync(["reject", "1", .. token]);
        Assert.Equal(2, noNote);
        Assert.Contains("--note", usage, StringComparison.Ordinal);

        var (approved, approval) = await CliRunner.RunAsync(["approve", "1", "--note", "customer escalation", .. token]);
        Assert.True(approved == 0, approval);
        Assert.Contains("sent", approval, StringComparison.Ordinal);
        var (late, lateOutput) = await CliRunner.RunAsync(["reject", "1", "--note", "too late", .. token]);
        Assert.Equal(3, late);
        Assert.Contains("only held decisions can be approved or rejected", lateOutput, StringComparison.Ordinal);

        var (audited, trail) = await CliRunner.RunAsync(["audit", "--decision", "1", .. token]);
        Assert.True(audited == 0, trail);
        Assert.Contains("operator:noc", trail, StringComparison.Ordinal);
        Assert.Contains("customer escalation", trail, StringComparison.Ordinal);
        Assert.Contains("command 1 to agent du-paris-1", trail, StringComparison.Ordinal);
        var (_, commands) = await CliRunner.RunAsync(["commands", .. token]);
        Assert.Contains("pending", commands, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScenarioTwin_ReplaysTheCoordinatorsState_AndRecordsTheRun()
    {
        var token = new[] { "--coordinator", _address, "--token", "ops-secret-0123456789" };

        var (exit, sweep) = await CliRunner.RunAsync(["scenario", "twin", .. token]);
        var (exit2, asked) = await CliRunner.RunAsync(["scenario", "twin", "--what-if", "link-down:du-paris-1/1", "--what-if", "growth:3@du-paris-1/2", .. token]);
        var (exit3, bad) = await CliRunner.RunAsync(["scenario", "twin", "--what-if", "link-down:du-nowhere/9", .. token]);

        Assert.True(exit == 0, sweep);
        Assert.Contains("the twin's state: 2 agent links", sweep, StringComparison.Ordinal);
        Assert.Contains("du-paris-1/1 fails", sweep, StringComparison.Ordinal);
        Assert.Contains("recorded there (requested by noc)", sweep, StringComparison.Ordinal);
        Assert.True(exit2 == 0, asked);
        Assert.Contains("du-paris-1/1's cells moved to du-paris-1/2", asked, StringComparison.Ordinal);
        Assert.Equal(2, exit3);
        Assert.Contains("no agent link 'du-nowhere/9'", bad, StringComparison.Ordinal);
        using var channel = CoordinatorClients.Channel(new Uri(_address));
        var runs = await channel.Operators().ListScenarioRunsAsync(new NetworkTwin.Contracts.Operators.ListScenarioRunsRequest(), new Grpc.Core.Metadata { { "authorization", "Bearer ops-secret-0123456789" } });
        Assert.Equal(3, runs.Runs.Count);
    }

    [Fact]
    public async Task Links_ShowTheCoordinatorsLinkId_WithTheAgentsOwnNumberBeside()
    {
        var before = await CliRunner.RunAsync("links", "--coordinator", _address, "--token", "ops-secret-0123456789");
        // The coordinator's map puts the agent's cells 1-6 on its link 7 (the agent has them on its links 1 and 2).
        var link = new NetworkTwin.Contracts.Topology.TopologyLink { LinkId = 7, Agents = { "du-paris-1" } };
        link.Cells.AddRange(Enumerable.Range(1, 6).Select(c => new NetworkTwin.Contracts.Topology.TopologyCell { Cell = new NetworkTwin.Contracts.Topology.CellRef { AgentId = "du-paris-1", Site = "paris", CellId = c } }));
        Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<NetworkTwin.Central.Repository.CoordinatorRepository>(_coordinator.Services)
            .Topology.Save(new NetworkTwin.Contracts.Topology.TopologyMap { Links = { link } });

        var (exit, table) = await CliRunner.RunAsync("links", "--coordinator", _address, "--token", "ops-secret-0123456789");
        var (jsonExit, json) = await CliRunner.RunAsync("links", "-o", "json", "--coordinator", _address, "--token", "ops-secret-0123456789");

        Assert.True(before.Exit == 0, before.Output);
        Assert.Contains("? (agent: 1)", before.Output, StringComparison.Ordinal);
        Assert.True(exit == 0 && jsonExit == 0, table + json);
        Assert.Contains("7 (agent: 1)", table, StringComparison.Ordinal);
        Assert.Contains("7 (agent: 2)", table, StringComparison.Ordinal);
        using var document = System.Text.Json.JsonDocument.Parse(json);
        Assert.All(document.RootElement.GetProperty("links").EnumerateArray(), l => Assert.Equal(7, l.GetProperty("discoveredLinkId").GetInt32()));
    }

    [Fact]
    public async Task Topology_ShowsEachLinksClockGroupsAndHowFarItStandsFromTheNext()
    {
        NetworkTwin.Contracts.Topology.CellRef Cell(int id) => new() { AgentId = "du-paris-1", Site = "paris", CellId = id };
        NetworkTwin.Contracts.Topology.TopologyLink Link(int id, int next, params int[][] groups)
        {
            var link = new NetworkTwin.Contracts.Topology.TopologyLink { LinkId = id, Agents = { "du-paris-1" }, MeanCorrelation = 0.61, NextLinkId = next, NextLinkCorrelation = 0.02 };
            link.Cells.AddRange(groups.SelectMany(g => g).Select(c => new NetworkTwin.Contracts.Topology.TopologyCell { Cell = Cell(c), MeanCorrelation = 0.6 }));
            link.ClockGroups.AddRange(groups.Select(g => new NetworkTwin.Contracts.Topology.ClockGroup { Cells = { g.Select(Cell) } }));
            return link;
        }

        Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<NetworkTwin.Central.Repository.CoordinatorRepository>(_coordinator.Services)
            .Topology.Save(new NetworkTwin.Contracts.Topology.TopologyMap { Links = { Link(1, 2, [1, 2, 3]), Link(2, 1, [4, 5], [6]) }, Statement = "2 link(s)" });

        var (exit, table) = await CliRunner.RunAsync("topology", "--coordinator", _address, "--token", "ops-secret-0123456789");

        Assert.True(exit == 0, table);
        Assert.Contains("(du-paris-1:1 du-paris-1:2 du-paris-1:3)", table, StringComparison.Ordinal);
        Assert.Contains("(du-paris-1:4 du-paris-1:5) (du-paris-1:6)", table, StringComparison.Ordinal);
        Assert.Contains("0.61 / 0.02 (link 2)", table, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("agents", "agents")]
    [InlineData("links", "links")]
    [InlineData("topology", "links")]
    [InlineData("capacities", "links")]
    [InlineData("commands", "commands")]
    [InlineData("predictions", "forecasts")]
    [InlineData("recommendations", "links")]
    [InlineData("models", "models")]
    [InlineData("decisions", "decisions")]
    [InlineData("audit", "entries")]
    public async Task OutputJson_IsTheApiMessage_ParsedByAScript(string command, string list)
    {
        var (exit, output) = await CliRunner.RunAsync(command, "-o", "json", "--coordinator", _address, "--token", "ops-secret-0123456789");

        Assert.True(exit == 0, output);
        using var json = System.Text.Json.JsonDocument.Parse(output);
        Assert.Equal(System.Text.Json.JsonValueKind.Array, json.RootElement.GetProperty(list).ValueKind);
        if (command == "links")
        {
            // Every field is there even when zero, so a script's path never goes missing.
            var link = json.RootElement.GetProperty("links")[0];
            Assert.Equal("du-paris-1", link.GetProperty("agentId").GetString());
            Assert.Equal(0.0, link.GetProperty("link").GetProperty("targetGbps").GetDouble());
        }
    }

    [Fact]
    public async Task OutputJson_OfTheCommandsThatChangeThings_IsTheReplyMessage()
    {
        using (var channel = CoordinatorClients.Channel(new Uri(_address)))
        {
            var link = new LinkCapacity { LinkId = 3, CapacityGbps = 30, PeakGbps = 60, MeanGbps = 12, ObservedLossPercent = 4, LossTarget = 0.01, BufferMicros = 143, TargetGbps = 10, Cells = { 7, 8 } };
            await UploadAsync(channel, new UplinkBatch { AgentId = "du-paris-1", Results = { new Result { Sequence = 5, ProducedUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), Link = link } } });
            await Poll.UntilAsync(async () => (await channel.Operators().ListDecisionsAsync(new NetworkTwin.Contracts.Operators.ListDecisionsRequest { State = "held" }, new Grpc.Core.Metadata { { "authorization", "Bearer ops-secret-0123456789" } })).Decisions.Count == 1, "a held decision");
        }

        string[] token = ["-o", "json", "--coordinator", _address, "--token", "ops-secret-0123456789"];
        var configure = await CliRunner.RunAsync(["configure", "--agent", "du-paris-1", "--set", "Agent:Analysis:LossTarget=0.02", "--reason", "test", "--wait", "0", .. token]);
        var train = await CliRunner.RunAsync(["models", "train", .. token]);
        var reject = await CliRunner.RunAsync(["reject", "1", "--note", "not this quarter", .. token]);

        Assert.True(configure.Exit == 0, configure.Output);
        using (var json = System.Text.Json.JsonDocument.Parse(configure.Output))
        {
            Assert.Equal("du-paris-1", json.RootElement.GetProperty("command").GetProperty("agentId").GetString());
            Assert.Equal("pending", json.RootElement.GetProperty("state").GetString());
        }

        using (var json = System.Text.Json.JsonDocument.Parse(train.Output))
        {
            Assert.Equal("not-trained", json.RootElement.GetProperty("state").GetString());
        }

        Assert.True(reject.Exit == 0, reject.Output);
        using (var json = System.Text.Json.JsonDocument.Parse(reject.Output))
        {
            Assert.Equal("1", json.RootElement.GetProperty("decisionId").GetString());
            Assert.Equal("rejected", json.RootElement.GetProperty("state").GetString());
        }
    }

    [Fact]
    public void AgentsCell_AModelShippedToTheWholeEstate_CountsThemAndNamesTheFirstThree()
    {
        Assert.Equal("10000 (du-0, du-1, du-2, ...)", NetworkTwin.Console.Coordinator.CoordinatorCommands.AgentsCell([.. Enumerable.Range(0, 10_000).Select(i => $"du-{i}")]));
        Assert.Equal("du-a, du-b", NetworkTwin.Console.Coordinator.CoordinatorCommands.AgentsCell(["du-a", "du-b"]));
    }

    [Fact]
    public async Task Version_ShowsTheClientsAndTheCoordinatorsVersion()
    {
        var (exit, output) = await CliRunner.RunAsync("version", "-o", "json", "--coordinator", _address);

        Assert.True(exit == 0, output);
        using var json = System.Text.Json.JsonDocument.Parse(output);
        var client = json.RootElement.GetProperty("client").GetString()!;
        Assert.Matches(@"^\d+\.\d+\.\d+", client);
        Assert.Equal(client, json.RootElement.GetProperty("coordinator").GetString());
    }

    [Theory]
    [InlineData("agnets", "did you mean 'agents'?")]
    [InlineData("decisons", "did you mean 'decisions'?")]
    public async Task MistypedCommand_SuggestsTheClosest(string typed, string suggestion)
    {
        var (exit, output) = await CliRunner.RunAsync(typed);

        Assert.Equal(2, exit);
        Assert.Contains(suggestion, output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("audit", "--limit", "abc", "--limit expects a whole number (got 'abc').")]
    [InlineData("configure", "--wait", "soon", "--wait expects a number (with a dot as the decimal separator) (got 'soon').")]
    public async Task NumericOptionThatDoesNotParse_SaysWhatItExpects_NotATypeName(string command, string option, string value, string expected)
    {
        var (exit, output) = await CliRunner.RunAsync(command, option, value);

        Assert.Equal(2, exit);
        Assert.Contains(expected, output, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", output, StringComparison.Ordinal);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Context_FillsInAddressAndTokenFile_BelowFlags()
    {
        // The real binary in its own process, its config file in this test's folder: flags and variables stay untouched here.
        var config = Path.Combine(_dir, "cli", "config.yaml");
        var token = Path.Combine(_dir, "cli", "noc.token");
        Directory.CreateDirectory(Path.GetDirectoryName(token)!);
        await File.WriteAllTextAsync(token, "ops-secret-0123456789\n");
        File.SetUnixFileMode(token, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var set = await RunProcessAsync(config, "context", "set", "noc", "--coordinator", _address, "--token-file", token);
        var list = await RunProcessAsync(config, "context", "list", "-o", "json");
        var agents = await RunProcessAsync(config, "agents", "-o", "json");
        var overridden = await RunProcessAsync(config, "agents", "--coordinator", "http://127.0.0.1:1");
        File.SetUnixFileMode(token, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        var exposed = await RunProcessAsync(config, "agents");

        Assert.True(set.Exit == 0, set.Output);
        using (var contexts = System.Text.Json.JsonDocument.Parse(list.Output))
        {
            Assert.Equal("noc", contexts.RootElement.GetProperty("current").GetString());
            Assert.Equal(_address, contexts.RootElement.GetProperty("contexts").GetProperty("noc").GetProperty("coordinator").GetString());
        }

        Assert.True(agents.Exit == 0, agents.Output);
        Assert.Contains("du-paris-1", agents.Output, StringComparison.Ordinal);
        Assert.Equal(3, overridden.Exit);
        Assert.Contains("http://127.0.0.1:1", overridden.Output, StringComparison.Ordinal);
        Assert.Equal(3, exposed.Exit);
        Assert.Contains($"chmod 600 {token}", exposed.Output, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(config));
    }

    private static Task<(int Exit, string Output)> RunProcessAsync(string config, params string[] args) => ToolProcess.RunAsync(
        "networktwin.dll",
        new Dictionary<string, string?> { ["NETWORKTWIN_CLI_CONFIG"] = config, ["NETWORKTWIN_COORDINATOR"] = null, ["NETWORKTWIN_TOKEN"] = null },
        args);

    [Theory]
    [InlineData("links")]
    [InlineData("decisions")]
    public async Task OutputYaml_IsTheJsonDocumentKeyForKey(string command)
    {
        var (jsonExit, json) = await CliRunner.RunAsync(command, "-o", "json", "--coordinator", _address, "--token", "ops-secret-0123456789");
        var (yamlExit, yaml) = await CliRunner.RunAsync(command, "-o", "yaml", "--coordinator", _address, "--token", "ops-secret-0123456789");

        Assert.True(jsonExit == 0, json);
        Assert.True(yamlExit == 0, yaml);
        // Read back as YAML and written as JSON, it is the JSON document: the same keys, values and order.
        var tree = new YamlDotNet.Serialization.DeserializerBuilder().Build().Deserialize<object>(yaml);
        var again = new YamlDotNet.Serialization.SerializerBuilder().JsonCompatible().Build().Serialize(tree);
        using var expected = System.Text.Json.JsonDocument.Parse(json);
        using var actual = System.Text.Json.JsonDocument.Parse(again);
        Assert.Equal(Flatten(expected.RootElement), Flatten(actual.RootElement));
    }

    /// <summary>Every leaf as path=value, numbers and strings alike as text (YAML reads "12" and 12 the same way back).</summary>
    private static List<string> Flatten(System.Text.Json.JsonElement element, string path = "$")
    {
        return element.ValueKind switch
        {
            System.Text.Json.JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Flatten(p.Value, $"{path}.{p.Name}")).ToList(),
            System.Text.Json.JsonValueKind.Array => element.EnumerateArray().SelectMany((e, i) => Flatten(e, $"{path}[{i}]")).ToList(),
            System.Text.Json.JsonValueKind.String => [$"{path}={element.GetString()}"],
            _ => [$"{path}={element.GetRawText()}"],
        };
    }

    [Fact]
    public async Task OutputOfAnUnknownFormat_IsAUsageErrorNamingTheChoices()
    {
        var (exit, output) = await CliRunner.RunAsync("agents", "-o", "xml", "--coordinator", _address);

        Assert.Equal(2, exit);
        Assert.Contains("xml", output, StringComparison.Ordinal);
        Assert.Contains("yaml", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Agents_WithoutTheOperatorToken_IsRefused()
    {
        var (exit, output) = await CliRunner.RunAsync("agents", "--coordinator", _address, "--token", "guess");

        Assert.Equal(3, exit);
        Assert.Contains("Unauthenticated", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DesignSimulate_AtTheCoordinator_StoresTheRunForItsDashboard()
    {
        var network = Path.Combine(CliRunner.ReferenceData("topology_zoo"), "graphml", "Abilene.graphml");

        var (exit, output) = await CliRunner.RunAsync("design", "simulate", "--network", network, "--publish", _address, "--token", "ops-secret-0123456789");

        Assert.True(exit == 0, output);
        Assert.Contains($"recorded at {_address} as design record 1 (its dashboard shows it)", output, StringComparison.Ordinal);
        using var channel = CoordinatorClients.Channel(new Uri(_address));
        var runs = await channel.Operators().ListDesignRunsAsync(new NetworkTwin.Contracts.Operators.ListDesignRunsRequest(), new Grpc.Core.Metadata { { "authorization", "Bearer ops-secret-0123456789" } });
        var run = Assert.Single(runs.Runs);
        Assert.Equal((11, 14), (run.Nodes, run.Links));
        Assert.Contains(run.Kinds, k => k.Kind == "Link" && k.Simulated == 14);
        Assert.NotEmpty(run.Worst);
    }
}
