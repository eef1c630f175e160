using System.Globalization;
using System.Net;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using NetworkTwin.Central.Hosting;
using NetworkTwin.Contracts.Sync;
using NetworkTwin.Testing;
using NetworkTwin.Testing.Launchers;

namespace NetworkTwin.Central.Tests.Sync;

/// <summary>The coordinator's /metrics, /healthz and /readyz on their own loopback port.</summary>
public sealed class CoordinatorMetricsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nt-cmetrics-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Metrics_CountRegistrationsAndStoredResults_AndHealthAnswers()
    {
        var (port, metricsPort) = (LoopbackPort.Free(), LoopbackPort.Free());
        await using var coordinator = CoordinatorHost.Build([], c => c.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Coordinator:Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["Coordinator:Metrics:Port"] = metricsPort.ToString(CultureInfo.InvariantCulture),
            ["Coordinator:DataDirectory"] = _dir,
            ["Logging:LogLevel:Default"] = "Warning",
        }));
        await coordinator.StartAsync();
        using var channel = CoordinatorClients.Channel(port);
        await channel.AgentSync().RegisterAsync(new RegisterRequest { AgentId = "du-m", Site = "m", Version = "1" });
        using (var call = channel.AgentSync().Uplink())
        {
            var batch = new UplinkBatch { AgentId = "du-m" };
            batch.Results.Add(Enumerable.Range(1, 5).Select(i => new Result { Sequence = i, Link = new LinkCapacity { LinkId = 1 } }));
            await call.RequestStream.WriteAsync(batch);
            await call.RequestStream.WriteAsync(batch);
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
            await call.RequestStream.CompleteAsync();
        }

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{metricsPort}") };
        var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        var ready = await http.GetAsync(new Uri("/readyz", UriKind.Relative));
        var health = await http.GetAsync(new Uri("/healthz", UriKind.Relative));

        Assert.Contains("networktwin_central_registrations_total 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains("networktwin_central_results_stored_total 5\n", metrics, StringComparison.Ordinal);
        Assert.Contains("networktwin_central_results_duplicate_total 5\n", metrics, StringComparison.Ordinal);
        Assert.Contains("networktwin_central_agent_stored_through{agent=\"du-m\",site=\"m\"} 5\n", metrics, StringComparison.Ordinal);
        Assert.Contains("networktwin_central_repository_up 1\n", metrics, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }
}
