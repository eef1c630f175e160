using System.Globalization;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NetworkTwin.Central.Repository;
using NetworkTwin.Central.Service;
using NetworkTwin.Contracts.Operators;
using NetworkTwin.Contracts.Sync;
using NetworkTwin.Testing;
using NetworkTwin.Testing.Launchers;

namespace NetworkTwin.Central.Tests.Operators;

/// <summary>Every list of the operators' API comes a page at a time, over real gRPC: each item once, in order, whatever the page size.</summary>
public sealed class OperatorPagingTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nt-paging-").FullName;
    private WebApplication _coordinator = null!;
    private int _port;

    public async Task InitializeAsync()
    {
        _port = LoopbackPort.Free();
        _coordinator = CoordinatorHost.Build([], c => c.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Coordinator:Port"] = _port.ToString(CultureInfo.InvariantCulture),
            ["Coordinator:Metrics:Port"] = "0",
            ["Coordinator:DataDirectory"] = _dir,
            ["Coordinator:Control:EverySeconds"] = "0",
            ["Coordinator:Learning:EveryMinutes"] = "0",
            ["Logging:LogLevel:Default"] = "Warning",
        }));
        await _coordinator.StartAsync();
        var repository = _coordinator.Services.GetRequiredService<CoordinatorRepository>();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        // Seven agents on two sites (one site name sorts between the others' agent ids), two links each.
        foreach (var (site, agent) in new[] { ("paris", "du-3"), ("lyon", "du-1"), ("paris", "du-1"), ("lyon", "du-9"), ("paris", "du-2"), ("lyon", "du-5"), ("nice", "du-0") })
        {
            var id = $"{site}-{agent}";
            repository.Agents.Register(new RegisterRequest { AgentId = id, Site = site, Version = "1" });
            repository.Results.Store(id, [
                new Result { Sequence = 1, ProducedUnixMs = now, Link = new LinkCapacity { LinkId = 1, Cells = { 1 } } },
                new Result { Sequence = 2, ProducedUnixMs = now, Link = new LinkCapacity { LinkId = 2, Cells = { 2 } } },
                new Result { Sequence = 3, ProducedUnixMs = now, Forecast = new LoadForecast { LinkId = 1, Cells = { 1 } } }]);
            repository.Commands.Issue(new Command { AgentId = id, Configure = new ConfigurationChange() });
            repository.Decisions.Audit(0, "coordinator", "test", id);
        }
    }

    public async Task DisposeAsync()
    {
        await _coordinator.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>Every page of a list, by following next_page_token; fails on a list that does not end.</summary>
    private static async Task<List<TItem>> AllAsync<TList, TItem>(Func<string, Task<TList>> page, Func<TList, IEnumerable<TItem>> items, Func<TList, string> next)
    {
        var all = new List<TItem>();
        var token = string.Empty;
        for (var pages = 0; pages < 100; pages++)
        {
            var list = await page(token);
            all.AddRange(items(list));
            token = next(list);
            if (token.Length == 0)
            {
                return all;
            }
        }

        throw new InvalidOperationException("the list did not end within 100 pages");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(1000)]
    public async Task EveryList_PagedAtAnySize_GivesEachItemOnce_InTheOrderOfTheWholeList(int size)
    {
        using var channel = CoordinatorClients.Channel(_port);
        var api = channel.Operators();

        var agents = await AllAsync(t => api.ListAgentsAsync(new ListAgentsRequest { PageSize = size, PageToken = t }).ResponseAsync, l => l.Agents, l => l.NextPageToken);
        var links = await AllAsync(t => api.ListLinksAsync(new ListLinksRequest { PageSize = size, PageToken = t }).ResponseAsync, l => l.Links, l => l.NextPageToken);
        var forecasts = await AllAsync(t => api.ListForecastsAsync(new ListForecastsRequest { PageSize = size, PageToken = t }).ResponseAsync, l => l.Forecasts, l => l.NextPageToken);
        var recent = await AllAsync(t => api.ListForecastsAsync(new ListForecastsRequest { SinceSeconds = 3600, PageSize = size, PageToken = t }).ResponseAsync, l => l.Forecasts, l => l.NextPageToken);
        var commands = await AllAsync(t => api.ListCommandsAsync(new ListCommandsRequest { Limit = size, PageToken = t }).ResponseAsync, l => l.Commands, l => l.NextPageToken);
        var audit = await AllAsync(t => api.ListAuditAsync(new ListAuditRequest { Limit = size, PageToken = t }).ResponseAsync, l => l.Entries, l => l.NextPageToken);

        Assert.Equal(["lyon-du-1", "lyon-du-5", "lyon-du-9", "nice-du-0", "paris-du-1", "paris-du-2", "paris-du-3"], agents.Select(a => a.AgentId));
        Assert.Equal(14, links.Select(l => (l.AgentId, l.Link.LinkId)).Distinct().Count());
        Assert.Equal(links.OrderBy(l => l.Site, StringComparer.Ordinal).ThenBy(l => l.AgentId, StringComparer.Ordinal).ThenBy(l => l.Link.LinkId).Select(l => (l.AgentId, l.Link.LinkId)), links.Select(l => (l.AgentId, l.Link.LinkId)));
        Assert.Equal(7, forecasts.Select(f => f.AgentId).Distinct().Count());
        Assert.Equal(7, recent.Select(f => f.AgentId).Distinct().Count());
        // Newest first, each once.
        Assert.Equal([7L, 6, 5, 4, 3, 2, 1], commands.Select(c => c.Command.CommandId));
        // Each page of the trail is oldest first, and the pages go back in time: within a page ids rise, across pages they fall.
        Assert.Equal(7, audit.Select(e => e.EntryId).Distinct().Count());
        var chronological = audit.Chunk(size).Reverse().SelectMany(p => p).Select(e => e.EntryId).ToList();
        Assert.Equal(chronological.Order(), chronological);
    }

    [Fact]
    public async Task APageTokenNotThisListsOrMangled_OrANegativeSize_IsRefusedNamingTheField()
    {
        using var channel = CoordinatorClients.Channel(_port);
        var api = channel.Operators();
        var agentsToken = (await api.ListAgentsAsync(new ListAgentsRequest { PageSize = 2 })).NextPageToken;

        var foreign = await Assert.ThrowsAsync<RpcException>(async () => await api.ListCommandsAsync(new ListCommandsRequest { Limit = 2, PageToken = agentsToken }));
        var mangled = await Assert.ThrowsAsync<RpcException>(async () => await api.ListAgentsAsync(new ListAgentsRequest { PageToken = "%%not base64%%" }));
        var negative = await Assert.ThrowsAsync<RpcException>(async () => await api.ListLinksAsync(new ListLinksRequest { PageSize = -1 }));
        var huge = await Assert.ThrowsAsync<RpcException>(async () => await api.ListDesignRunsAsync(new ListDesignRunsRequest { Limit = 5000 }));

        Assert.All([foreign, mangled, negative, huge], e => Assert.Equal(StatusCode.InvalidArgument, e.StatusCode));
        Assert.Contains("page_token is not one this coordinator gave for the commands list", foreign.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("for the agents list", mangled.Status.Detail, StringComparison.Ordinal);
        Assert.Equal("page_size must be 0..10000, 0 for 1000 (got -1)", negative.Status.Detail);
        Assert.Equal("limit must be 0..1000, 0 for 20 (got 5000)", huge.Status.Detail);
        // The service carries on: the first page still comes.
        Assert.Equal(2, (await api.ListAgentsAsync(new ListAgentsRequest { PageSize = 2 })).Agents.Count);
    }
}
