using System.Globalization;
using Grpc.Core;
using Microsoft.Extensions.Configuration;
using NetworkTwin.Central.Service;
using NetworkTwin.Contracts.Sync;
using NetworkTwin.Testing;
using NetworkTwin.Testing.Launchers;

namespace NetworkTwin.Central.Tests.Sync;

/// <summary>
/// The coordinator's PostgreSQL goes away under connected agents: every agent call gets UNAVAILABLE (the agent
/// retries, its outbox keeps the results) with one log line naming the cause, and all works again once it is back.
/// </summary>
public sealed class RepositoryOutageTests
{
    [Fact]
    public async Task AgentCalls_DatabaseStopped_AreUnavailableWithTheCauseLogged_AndWorkOnceItIsBack()
    {
        await using var database = await PostgresCluster.StartAsync(LoopbackPort.Free());
        var dir = Directory.CreateTempSubdirectory("nt-outage-").FullName;
        var port = LoopbackPort.Free();
        try
        {
            await using (var coordinator = CoordinatorHost.Build([], c => c.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Coordinator:Port"] = port.ToString(CultureInfo.InvariantCulture),
                ["Coordinator:DataDirectory"] = dir,
                ["Coordinator:Repository:Provider"] = "postgresql",
                ["Coordinator:Repository:ConnectionString"] = database.ConnectionString,
                ["Coordinator:Topology:EverySeconds"] = "3600",
                ["Logging:LogLevel:Default"] = "Warning",
            })))
            {
                await coordinator.StartAsync();
                using var channel = CoordinatorClients.Channel(port);
                var client = channel.AgentSync();
                await client.RegisterAsync(new RegisterRequest { AgentId = "du-1", Site = "s" });

                await database.StopServerAsync();
                var register = await Assert.ThrowsAsync<RpcException>(async () => await client.RegisterAsync(new RegisterRequest { AgentId = "du-1", Site = "s" }));
                using var downlink = client.Downlink(new DownlinkRequest { AgentId = "du-1" });
                var commands = await Assert.ThrowsAsync<RpcException>(() => downlink.ResponseStream.MoveNext(CancellationToken.None));
                var acknowledge = await Assert.ThrowsAsync<RpcException>(async () => await client.AcknowledgeAsync(new CommandAck { AgentId = "du-1", CommandId = 1, Applied = true }));
                await database.StartServerAsync();
                var again = await RetryAsync(() => client.RegisterAsync(new RegisterRequest { AgentId = "du-1", Site = "s" }).ResponseAsync);

                Assert.All([register, commands, acknowledge], e => Assert.Equal(StatusCode.Unavailable, e.StatusCode));
                Assert.All([register, commands, acknowledge], e => Assert.Contains("the coordinator's repository is unavailable", e.Status.Detail, StringComparison.Ordinal));
                Assert.Equal(0, again.LastSequenceStored);
            }

            var log = string.Join("\n", Directory.GetFiles(Path.Combine(dir, "logs")).Select(File.ReadAllText));
            foreach (var what in new[] { "register", "read pending commands", "record a command acknowledgement" })
            {
                Assert.Contains($"Cannot {what} for agent du-1: the repository failed", log, StringComparison.Ordinal);
            }

            Assert.DoesNotContain("Error when executing service method", log, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The first answer within 10 s (the connection pool finds the server back after a failed attempt or two).</summary>
    private static async Task<T> RetryAsync<T>(Func<Task<T>> call)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Unavailable && attempt < 50)
            {
                await Task.Delay(200);
            }
        }
    }
}
