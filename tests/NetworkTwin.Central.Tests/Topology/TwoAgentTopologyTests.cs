using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using NetworkTwin.Agent.Hosting;
using NetworkTwin.Analytics.Scenario;
using NetworkTwin.Central.Service;
using NetworkTwin.Central.Tests.Repository;
using NetworkTwin.Contracts.Operators;
using NetworkTwin.Contracts.Topology;
using NetworkTwin.Mqtt;
using NetworkTwin.Mqtt.Client;
using NetworkTwin.Telemetry.Replay;
using NetworkTwin.Testing;
using NetworkTwin.Testing.Launchers;

namespace NetworkTwin.Central.Tests.Topology;

/// <summary>
/// mosquitto, a coordinator on a real PostgreSQL cluster and two agents, each serving half of the
/// cells of one capture: neither agent sees a whole link, yet the coordinator's link map, built
/// from both agents' loss evidence, puts every cell on its true link.
/// </summary>
public sealed class TwoAgentTopologyTests(PostgresClusterFixture postgres) : IClassFixture<PostgresClusterFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nt-topo-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private IHost Agent(string id, int brokerPort, int coordinatorPort, IEnumerable<int> cells)
    {
        var settings = LoopbackTwin.Agent(_dir, id, brokerPort, coordinatorPort, 0.5);
        var k = 0;
        foreach (var cell in cells)
        {
            settings[$"Agent:Ingest:Topics:{k++}"] = $"nt/lab/{cell}/#";
        }

        return AgentHost.Build([], c => c.AddInMemoryCollection(settings));
    }

    [Fact]
    public async Task TwoAgentsWithHalfTheCellsEach_CoordinatorMapsEveryCellToItsTrueLink()
    {
        var (scenario, source) = await LoopbackTwin.CaptureAsync(_dir, new ScenarioSpec { Cells = 12, Links = 3, CellsPerRu = 2, DurationSeconds = 6, Seed = 21 });
        await using var broker = await MosquittoBroker.StartAsync();
        var port = LoopbackPort.Free();
        var web = LoopbackPort.Free();
        await using var coordinator = CoordinatorHost.Build([], c => c.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Coordinator:Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["Coordinator:DataDirectory"] = Path.Combine(_dir, "central"),
            ["Coordinator:Repository:Provider"] = "postgresql",
            ["Coordinator:Repository:ConnectionString"] = postgres.NewDatabase(),
            ["Coordinator:Metrics:Port"] = web.ToString(CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "Warning",
        }));
        await coordinator.StartAsync();
        using var a = Agent("du-a", broker.Port, port, Enumerable.Range(1, 6));
        using var b = Agent("du-b", broker.Port, port, Enumerable.Range(7, 6));
        await a.StartAsync();
        await b.StartAsync();
        await using var publisher = new MqttClient(new MqttClientOptions { Port = broker.Port, ClientId = "topo-replayer", CleanSession = true });
        publisher.Start();
        using var channel = CoordinatorClients.Channel(port);
        await Poll.UntilAsync(async () => (await channel.Operators().ListAgentsAsync(new ListAgentsRequest())).Agents.Count == 2, "both agents registered");
        // Each registers with the product's one version (0.5.0+commit), as --version and networktwin version print it.
        Assert.All((await channel.Operators().ListAgentsAsync(new ListAgentsRequest())).Agents, a => Assert.Equal(NetworkTwin.Hosting.ProductVersion.Text, a.Version));
        await AgentStatusFile.WaitSubscribedAsync(Path.Combine(_dir, "du-a"));
        await AgentStatusFile.WaitSubscribedAsync(Path.Combine(_dir, "du-b"));

        await TelemetryReplayer.RunAsync(source, publisher, new ReplayOptions { Site = "lab", Speed = 2, Binary = true }, null, default);
        // Every result of the replay reaches the coordinator before the map is taken: each agent analyses its window three
        // more times (the last rows are in by the second) and its outbox is empty. A map refreshed from part of the loss
        // evidence can place all 12 cells on 3 links yet leave a radio unit's two cells in two clock groups (a CI run saw
        // cells 11 and 12 apart).
        async Task WaitAllSentAsync(string agentDirectory)
        {
            var evaluated = (await AgentStatusFile.TryReadAsync(agentDirectory))?.Window.Evaluations ?? 0;
            await Poll.UntilAsync(
                () => AgentStatusFile.TryReadAsync(agentDirectory),
                s => s is { Outbox.Pending: 0 } && s.Window.Evaluations >= evaluated + 3,
                $"the agent in {agentDirectory} analysed the whole replay and sent every result",
                60,
                everyMilliseconds: 250);
        }

        await WaitAllSentAsync(Path.Combine(_dir, "du-a"));
        await WaitAllSentAsync(Path.Combine(_dir, "du-b"));

        // The map is refreshed from the loss evidence stored so far (a map made from part of it can place every cell yet
        // merge links: one CI run saw 1 link). Wait for a map of 3 links; the assertions below check that each is a true link.
        TopologyMap map = null!;
        await Poll.UntilAsync(
            async () =>
            {
                map = await channel.Operators().GetTopologyAsync(new GetTopologyRequest { Refresh = true });
                return map.Links.Sum(l => l.Cells.Count) == 12 && map.Links.Count == 3;
            },
            "every cell placed, on 3 links",
            seconds: 60,
            everyMilliseconds: 250);
        // The agents' sizings arrive on their own schedule (a loaded machine delays the last ones): wait until
        // every discovered link has one; the assertions below still check each.
        CapacityList capacities = null!;
        await Poll.UntilAsync(
            async () =>
            {
                capacities = await channel.Operators().ListCapacitiesAsync(new CapacitiesRequest());
                return capacities.Links.Count == map.Links.Count && capacities.Links.All(l => l.CapacityGbps > 0);
            },
            "every discovered link sized by its agents",
            seconds: 30);

        // One link identity: each agent's own links come back with the coordinator's id of the link their cells are on.
        var agentLinks = await channel.Operators().ListLinksAsync(new ListLinksRequest());

        // A failure simulation published by the design twin, for the dashboard's design panel.
        var design = new DesignRun { Network = "Metro-8 ring", Nodes = 8, Links = 9, Kinds = { new DesignKind { Kind = "Link", Simulated = 9, Possible = 9, Partitioning = 0, Hurting = 3 } } };
        design.Worst.Add(new DesignFailure { Scenario = "link A-B", Kind = "Link", Components = 1, LostPairsPercent = 0, UnreachableDemandGbps = 0, WorstUtilisation = 1.25, OverloadedLinks = 2 });
        await channel.Operators().PublishDesignRunAsync(design);

        // The dashboard in a real browser: the page polls the coordinator and draws what it gets.
        var dashboard = new Uri($"http://127.0.0.1:{web}/");
        var dom = await HeadlessChromium.DomAsync(dashboard);
        var screenshot = Path.Combine(AppContext.BaseDirectory, "dashboard.png");
        await HeadlessChromium.ScreenshotAsync(dashboard, screenshot);
        // Drill-down and range picker, as the page's address holds them: one link's charts over the last hour.
        var drilledLink = map.Links[0].LinkId;
        var drilled = await HeadlessChromium.DomAsync(new Uri(dashboard, $"#range=60&link={drilledLink}"));
        await HeadlessChromium.ScreenshotAsync(new Uri(dashboard, $"#range=60&link={drilledLink}"), Path.Combine(AppContext.BaseDirectory, "dashboard-link.png"), height: 2200);
        using var http = new HttpClient { BaseAddress = dashboard };
        var tooShort = await http.GetAsync(new Uri("api/overview?minutes=5", UriKind.Relative));
        using var week = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(new Uri("api/overview?minutes=10080", UriKind.Relative)));
        await a.StopAsync();
        await b.StopAsync();

        // Same partition as the truth, whatever the ids.
        var truth = scenario.Truth.LinkOfCell;
        var agentOf = (int cell) => cell <= 6 ? "du-a" : "du-b";
        Assert.Equal(3, map.Links.Count);
        foreach (var link in map.Links)
        {
            Assert.Single(link.Cells.Select(c => truth[c.Cell.CellId]).Distinct());
            Assert.All(link.Cells, c => Assert.Equal(agentOf(c.Cell.CellId), c.Cell.AgentId));
        }

        Assert.Contains(map.Links, l => l.Agents.Count == 2);

        // Each radio unit (cells of one link and one RU clock) is one clock group of its link, and links stand apart.
        var radioUnits = truth.GroupBy(p => (Link: p.Value, Clock: scenario.Truth.ClockOffsetMsOfCell[p.Key])).Select(g => string.Join(',', g.Select(p => p.Key).Order()));
        Assert.Equal(radioUnits.Order(), map.Links.SelectMany(l => l.ClockGroups).Select(g => string.Join(',', g.Cells.Select(c => c.CellId).Order())).Order());
        Assert.All(map.Links, l => Assert.True(l.NextLinkId != 0 && l.NextLinkCorrelation < l.MeanCorrelation, $"link {l.LinkId}: r {l.MeanCorrelation} within, {l.NextLinkCorrelation} with link {l.NextLinkId}"));
        Assert.Equal(3, capacities.Links.Count);
        Assert.All(capacities.Links, l => Assert.True(l.CapacityGbps > 0 && l.MeanGbps > 0, $"link {l.LinkId}: capacity {l.CapacityGbps}, mean {l.MeanGbps}"));
        Assert.Equal(map.Version, capacities.TopologyVersion);
        Assert.NotEmpty(agentLinks.Links);
        Assert.All(agentLinks.Links, l =>
        {
            var discovered = Assert.Single(map.Links, m => m.LinkId == l.DiscoveredLinkId);
            Assert.Contains(discovered.Cells, c => c.Cell.AgentId == l.AgentId && l.Link.Cells.Contains(c.Cell.CellId));
        });

        Assert.Contains("data-loaded=\"true\"", dom, StringComparison.Ordinal);
        Assert.Contains("data-agent=\"du-a\"", dom, StringComparison.Ordinal);
        Assert.Contains("data-agent=\"du-b\"", dom, StringComparison.Ordinal);
        Assert.Equal(12, System.Text.RegularExpressions.Regex.Count(dom, "data-cell=\"du-[ab]:"));
        Assert.Equal(3, System.Text.RegularExpressions.Regex.Count(dom, "class=\"link-label\""));
        Assert.Contains("class=\"capacityGbps\"", dom, StringComparison.Ordinal);
        Assert.Contains("Metro-8 ring: 8 nodes, 9 links", dom, StringComparison.Ordinal);
        Assert.Contains("<td>link A-B</td>", dom, StringComparison.Ordinal);
        Assert.True(new FileInfo(screenshot).Length > 20_000, $"the screenshot {screenshot} looks empty");

        Assert.Contains($"Link {drilledLink}: load, sized capacity and forecast", drilled, StringComparison.Ordinal);
        var charted = System.Text.RegularExpressions.Regex.Matches(drilled, "data-chart-link=\"(\\d+)\"").Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
        Assert.NotEmpty(charted);
        Assert.All(charted, l => Assert.Equal(drilledLink, l));
        Assert.True(charted.Count < System.Text.RegularExpressions.Regex.Count(dom, "data-chart-link="), "the drill-down shows fewer charts than the overview");
        Assert.Contains("<title>", drilled, StringComparison.Ordinal); // the points' tooltips
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, tooShort.StatusCode);
        Assert.Equal(10080, week.RootElement.GetProperty("rangeMinutes").GetInt32());
        Assert.All(week.RootElement.GetProperty("series").EnumerateArray(), s => Assert.InRange(s.GetProperty("points").GetArrayLength(), 1, 300));
    }
}
