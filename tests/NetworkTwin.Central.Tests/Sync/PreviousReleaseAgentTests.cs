using System.Globalization;
using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using NetworkTwin.Central.Service;
using NetworkTwin.Contracts.Operators;
using NetworkTwin.Contracts.Sync;
using NetworkTwin.Testing;
using NetworkTwin.Testing.Launchers;
using NetworkTwin.Testing.Legacy;
using NetworkTwin.Testing.Legacy.Client;

namespace NetworkTwin.Central.Tests.Sync;

/// <summary>
/// The coordinator on grpc-dotnet keeps the wire of the previous release: an agent still running the
/// previous release's own gRPC client registers, uplinks (with a resend after a lost acknowledgement),
/// receives a command on its downlink and acknowledges it. Also the standard services a load balancer and
/// grpcurl expect: grpc.health.v1 and server reflection.
/// </summary>
public sealed class PreviousReleaseAgentTests : IDisposable
{
    private static readonly RpcMethod<RegisterRequest, RegisterReply> Register = new("networktwin.sync.AgentSync", "Register", RpcMethodType.Unary);
    private static readonly RpcMethod<UplinkBatch, UplinkAck> Uplink = new("networktwin.sync.AgentSync", "Uplink", RpcMethodType.DuplexStreaming);
    private static readonly RpcMethod<DownlinkRequest, Command> Downlink = new("networktwin.sync.AgentSync", "Downlink", RpcMethodType.ServerStreaming);
    private static readonly RpcMethod<CommandAck, CommandAckReply> Acknowledge = new("networktwin.sync.AgentSync", "Acknowledge", RpcMethodType.Unary);

    private readonly string _dir = Directory.CreateTempSubdirectory("nt-old-agent-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task PreviousReleaseAgent_RegistersUplinksAndTakesACommand()
    {
        var port = LoopbackPort.Free();
        await using var coordinator = await StartCoordinatorAsync(port);
        using var old = new RpcChannel(new Uri($"http://127.0.0.1:{port}"));
        using var channel = CoordinatorClients.Channel(port);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var registered = await old.UnaryAsync(Register, new RegisterRequest { AgentId = "du-old", Site = "old", Version = "0.4.0" });
        var uplink = old.Duplex(Uplink, new RpcCallOptions { CancellationToken = timeout.Token });
        var acks = uplink.Responses.GetAsyncEnumerator(timeout.Token);
        var first = Batch(1, 2, 3);
        await uplink.Requests.WriteAsync(first, timeout.Token);
        Assert.True(await acks.MoveNextAsync());
        var afterFirst = acks.Current.StoredThrough;
        await uplink.Requests.WriteAsync(Batch(2, 3, 4, 5), timeout.Token);
        Assert.True(await acks.MoveNextAsync());
        var afterResend = acks.Current.StoredThrough;
        uplink.Requests.Complete();
        Assert.False(await acks.MoveNextAsync());
        await acks.DisposeAsync();

        var issued = await channel.Operators().SendCommandAsync(new SendCommandRequest { Command = new Command { AgentId = "du-old", Reason = "wire check", Configure = new ConfigurationChange { Settings = { ["Agent:Analysis:LossTarget"] = "0.02" } } } });
        Command? received = null;
        await foreach (var command in old.ServerStreamingAsync(Downlink, new DownlinkRequest { AgentId = "du-old" }, new RpcCallOptions { CancellationToken = timeout.Token }))
        {
            received = command;
            break;
        }

        var known = await old.UnaryAsync(Acknowledge, new CommandAck { AgentId = "du-old", CommandId = received!.CommandId, Applied = true, Detail = "applied by an old agent" });
        var agents = await channel.Operators().ListAgentsAsync(new ListAgentsRequest());

        Assert.Equal(0, registered.LastSequenceStored);
        Assert.Equal((3L, 5L), (afterFirst, afterResend));
        Assert.Equal(issued.Command.CommandId, received.CommandId);
        Assert.True(known.Known);
        Assert.Equal(5, Assert.Single(agents.Agents).StoredThrough);
    }

    [Fact]
    public async Task StandardServices_HealthAnswersServing_ReflectionListsTheServices()
    {
        var port = LoopbackPort.Free();
        await using var coordinator = await StartCoordinatorAsync(port);
        using var channel = CoordinatorClients.Channel(port);

        var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest());
        using var reflection = new ServerReflection.ServerReflectionClient(channel).ServerReflectionInfo();
        await reflection.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = string.Empty });
        await reflection.RequestStream.CompleteAsync();
        Assert.True(await reflection.ResponseStream.MoveNext(CancellationToken.None));
        var services = reflection.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        Assert.Contains("networktwin.sync.AgentSync", services);
        Assert.Contains("networktwin.operators.Operators", services);
        Assert.Contains("networktwin.diagnostics.Diagnostics", services);
        Assert.Contains("grpc.health.v1.Health", services);
    }

    private async Task<Microsoft.AspNetCore.Builder.WebApplication> StartCoordinatorAsync(int port)
    {
        var coordinator = CoordinatorHost.Build([], c => c.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Coordinator:Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["Coordinator:DataDirectory"] = _dir,
            ["Coordinator:Logging:ConsoleLevel"] = "Warning",
        }));
        await coordinator.StartAsync();
        return coordinator;
    }

    private static UplinkBatch Batch(params long[] sequences)
    {
        var batch = new UplinkBatch { AgentId = "du-old" };
        batch.Results.Add(sequences.Select(s => new Result { Sequence = s, ProducedUnixMs = s, WindowEndSeconds = s, Link = new LinkCapacity { LinkId = 1, CapacityGbps = 10, PeakGbps = 12, MeanGbps = 5 } }));
        return batch;
    }
}
