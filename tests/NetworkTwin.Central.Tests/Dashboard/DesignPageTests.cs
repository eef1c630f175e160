using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using NetworkTwin.Central.Repository;
using NetworkTwin.Central.Service;
using NetworkTwin.Contracts.Design;
using NetworkTwin.Testing.Launchers;

namespace NetworkTwin.Central.Tests.Dashboard;

/// <summary>The dashboard's design page in a real browser: the team's recent designs, their scores and failure results, and the learning report as charts.</summary>
public sealed class DesignPageTests : IAsyncLifetime
{
    private const string Viewer = "wall-token-0123456789a";
    private readonly string _dir = Directory.CreateTempSubdirectory("nt-design-page-").FullName;
    private WebApplication _coordinator = null!;
    private Uri _web = null!;

    public async Task InitializeAsync()
    {
        var web = LoopbackPort.Free();
        _web = new Uri($"http://127.0.0.1:{web}/");
        _coordinator = CoordinatorHost.Build([], c => c.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Coordinator:Port"] = LoopbackPort.Free().ToString(CultureInfo.InvariantCulture),
            ["Coordinator:Metrics:Port"] = web.ToString(CultureInfo.InvariantCulture),
            ["Coordinator:DataDirectory"] = _dir,
            ["Coordinator:OperatorTokens:wall"] = Viewer,
            ["Coordinator:OperatorRoles:wall"] = "viewer",
            ["Coordinator:Control:EverySeconds"] = "0",
            ["Coordinator:Learning:EveryMinutes"] = "0",
            ["Logging:LogLevel:Default"] = "Warning",
        }));
        await _coordinator.StartAsync();

        // Two operators' history: a recommendation run whose second option was chosen and missed its cost, another
        // whose first was followed and met the intent, and a failure simulation.
        var designs = _coordinator.Services.GetRequiredService<CoordinatorRepository>().Designs;
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        DesignRecord Option(string who, int rank, string pattern, double score) => new()
        {
            Operation = "recommend",
            Operator = who,
            RecordedUnixMs = now - 1000,
            IntentName = "metro-8",
            Pattern = pattern,
            Rank = rank,
            Score = score,
            Confidence = 0.5,
            MetConstraints = true,
            Features = new IntentFeatures { Sites = 8, Regions = 8, Redundancy = "Standard", Objective = "Cost" },
            Scores = new DesignScores { Cost = 800_000 + (rank * 50_000), MaxLatencyMs = 4.5, Survivability = 0.9 },
        };
        var first = designs.Save([Option("alice", 1, "Tree", 0.95), Option("alice", 2, "DualHub", 0.88)]);
        designs.Choose(first[1].RecordId, "alice", now);
        designs.ReportOutcome(first[1].RecordId, _ => new BuiltOutcome { MetIntent = false, ActualCost = 1_200_000, ReportedBy = "alice", RealisedScore = 0.6 });
        var second = designs.Save([Option("bob", 1, "DualHub", 0.9), Option("bob", 2, "Tree", 0.8)]);
        designs.Choose(second[0].RecordId, "bob", now);
        designs.ReportOutcome(second[0].RecordId, _ => new BuiltOutcome { MetIntent = true, ReportedBy = "bob", RealisedScore = 0.9 });
        var simulation = new NetworkTwin.Contracts.Operators.DesignRun { Network = "Abilene", Nodes = 11, Links = 14 };
        simulation.Kinds.Add(new NetworkTwin.Contracts.Operators.DesignKind { Kind = "Link", Simulated = 14, Possible = 14, Partitioning = 3, Hurting = 14 });
        designs.Save([new DesignRecord { Operation = "simulate", Operator = "bob", RecordedUnixMs = now, IntentName = "Abilene", Simulation = simulation, Summary = "Link: 3 of 14 split it" }]);
    }

    public async Task DisposeAsync()
    {
        await _coordinator.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task DesignPage_ShowsTheTeamsDesignsAndTheLearningReportAsCharts()
    {
        await using var browser = await DashboardBrowser.OpenAsync(new Uri(_web, "design"), string.Empty);
        var page = browser.Page;
        await page.FillAsync("#token", Viewer);
        await page.DispatchEventAsync("#token", "change");
        await page.Locator("#designs tbody tr").Nth(4).WaitForAsync(new LocatorWaitForOptions { Timeout = 20_000 });
        await browser.ScreenshotAsync("dashboard-design.png");

        Assert.Equal(5, await page.Locator("#designs tbody tr").CountAsync());
        Assert.Contains("Link: 3 of 14 split it", await page.Locator("#designs tbody tr").First.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(["DualHub", "Tree"], (await page.Locator(".pattern-bar").EvaluateAllAsync<string[]>("bars => bars.map(b => b.dataset.pattern)")).Order());
        Assert.Equal(1, await page.Locator(".trend-bar").CountAsync());
        Assert.Equal(1, await page.Locator(".followed").CountAsync());
        Assert.Equal(1, await page.Locator(".outcome-met").CountAsync());
        Assert.Equal(1, await page.Locator(".outcome-missed").CountAsync());
        var figures = await page.Locator("#figures").InnerTextAsync();
        Assert.Contains("50%", figures, StringComparison.Ordinal); // one of the two choices was the first option
        Assert.Contains("1 of 2", figures, StringComparison.Ordinal);
        Assert.Contains("alice, bob", await page.Locator("#who").InnerTextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DesignDocument_NeedsAToken_AndAKnownRange()
    {
        using var http = new HttpClient { BaseAddress = _web };
        var anonymous = await http.GetAsync(new Uri("api/design", UriKind.Relative));
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/design?days=5");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Viewer);
        var odd = await http.SendAsync(request);
        using var good = new HttpRequestMessage(HttpMethod.Get, "api/design?days=7");
        good.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Viewer);
        var ok = await http.SendAsync(good);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, odd.StatusCode);
        Assert.Contains("7, 30, 90, 365", await odd.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        using var document = System.Text.Json.JsonDocument.Parse(await ok.Content.ReadAsStringAsync());
        Assert.Equal(5, document.RootElement.GetProperty("records").GetInt32());
        Assert.Equal(1.3333, document.RootElement.GetProperty("meanCostRatio").GetDouble()); // 1,200,000 against 900,000
    }
}
