using System.Globalization;
using System.Net;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using NetworkTwin.Central.Service;
using NetworkTwin.Contracts.Sync;
using NetworkTwin.Testing;
using NetworkTwin.Testing.Launchers;

namespace NetworkTwin.Central.Tests.Sync;

/// <summary>The coordinator's /metrics, /healthz and /readyz on their own loopback port.</summary>
[Collection(MetricsReadAlone.Name)]
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

        var complaints = await Promtool.CheckMetricsAsync(metrics);

        Assert.Equal(1, Sample(metrics, "networktwin_central_registrations_total"));
        Assert.Equal(5, Sample(metrics, "networktwin_central_results_stored_total"));
        Assert.Equal(5, Sample(metrics, "networktwin_central_results_duplicate_total"));
        // The two batches were written back to back: one group commit, or one each.
        Assert.InRange(Sample(metrics, "networktwin_central_result_commits_total"), 1, 2);
        Assert.Equal(5, Sample(metrics, "networktwin_central_agent_stored_through", "agent=\"du-m\"", "site=\"m\""));
        Assert.Equal(1, Sample(metrics, "networktwin_central_repository_up"));
        Assert.Equal(0, Sample(metrics, "networktwin_central_decisions", "state=\"held\""));
        Assert.Contains("# TYPE networktwin_central_results_stored_total counter", metrics, StringComparison.Ordinal);
        Assert.True(complaints.Count == 0, "promtool check metrics: " + string.Join("; ", complaints));
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    /// <summary>The value of the one sample of <paramref name="family"/> whose labels include all of <paramref name="labels"/>.</summary>
    private static double Sample(string page, string family, params string[] labels)
    {
        var line = page.Split('\n').Single(l => l.StartsWith(family + "{", StringComparison.Ordinal) && labels.All(x => l.Contains(x, StringComparison.Ordinal)));
        return double.Parse(line[(line.IndexOf('}', StringComparison.Ordinal) + 2)..].Split(' ')[0], CultureInfo.InvariantCulture);
    }
}
