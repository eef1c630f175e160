using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using NetworkTwin.Central.Service;
using NetworkTwin.Contracts.Operators;
using NetworkTwin.Testing;
using NetworkTwin.Testing.Launchers;

namespace NetworkTwin.Central.Tests.Operators;

/// <summary>A viewer's token reads the twin (CLI and dashboard) but cannot change it; an operator's can.</summary>
public sealed class OperatorRolesTests : IAsyncLifetime
{
    private const string OperatorToken = "noc-secret-0123456789";
    private const string ViewerToken = "wall-secret-0123456789";
    private readonly string _dir = Directory.CreateTempSubdirectory("nt-roles-").FullName;
    private WebApplication _coordinator = null!;
    private int _port;
    private int _web;

    public async Task InitializeAsync()
    {
        (_port, _web) = (LoopbackPort.Free(), LoopbackPort.Free());
        _coordinator = CoordinatorHost.Build([], c => c.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Coordinator:Port"] = _port.ToString(CultureInfo.InvariantCulture),
            ["Coordinator:Metrics:Port"] = _web.ToString(CultureInfo.InvariantCulture),
            ["Coordinator:DataDirectory"] = _dir,
            ["Coordinator:OperatorTokens:noc"] = OperatorToken,
            ["Coordinator:OperatorTokens:wall"] = ViewerToken,
            ["Coordinator:OperatorRoles:wall"] = "viewer",
            ["Coordinator:Control:EverySeconds"] = "0",
            ["Logging:LogLevel:Default"] = "Warning",
        }));
        await _coordinator.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _coordinator.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private static Metadata Bearer(string token) => new() { { "authorization", "Bearer " + token } };

    [Fact]
    public async Task Viewer_ReadsButCannotDecideOrTrain_OperatorCan()
    {
        using var channel = CoordinatorClients.Channel(_port);
        var operators = channel.Operators();

        var read = await operators.ListDecisionsAsync(new ListDecisionsRequest(), Bearer(ViewerToken));
        var decide = await Assert.ThrowsAsync<RpcException>(async () => await operators.DecideAsync(new DecideRequest { DecisionId = 42, Approve = true }, Bearer(ViewerToken)));
        var train = await Assert.ThrowsAsync<RpcException>(async () => await operators.TrainModelAsync(new TrainModelRequest(), Bearer(ViewerToken)));
        var allowed = await Assert.ThrowsAsync<RpcException>(async () => await operators.DecideAsync(new DecideRequest { DecisionId = 42, Approve = true }, Bearer(OperatorToken)));

        Assert.Empty(read.Decisions);
        Assert.Equal(StatusCode.PermissionDenied, decide.StatusCode);
        Assert.Contains("Coordinator:OperatorRoles:wall is viewer", decide.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.PermissionDenied, train.StatusCode);
        // The operator gets past the role check: decision 42 simply does not exist.
        Assert.Equal(StatusCode.NotFound, allowed.StatusCode);
    }

    [Fact]
    public async Task Dashboard_NeedsAToken_AndTheOperatorRoleToApprove()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_web}/") };
        async Task<HttpStatusCode> Get(string? token)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "api/overview");
            request.Headers.Authorization = token is null ? null : new AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(request);
            return response.StatusCode;
        }

        async Task<HttpStatusCode> Approve(string token)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/decisions/42") { Content = new StringContent("""{"approve": true, "note": "ok"}""", System.Text.Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(request);
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/", UriKind.Relative))).StatusCode); // the page itself asks for the token
        Assert.Equal(HttpStatusCode.Unauthorized, await Get(null));
        Assert.Equal(HttpStatusCode.Unauthorized, await Get("guess-0123456789abcdef"));
        Assert.Equal(HttpStatusCode.OK, await Get(ViewerToken));
        Assert.Equal(HttpStatusCode.Forbidden, await Approve(ViewerToken));
        Assert.Equal(HttpStatusCode.NotFound, await Approve(OperatorToken));
    }
}
