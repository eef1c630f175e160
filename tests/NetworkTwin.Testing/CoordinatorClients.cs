using Grpc.Net.Client;
using NetworkTwin.Contracts.Operators;
using NetworkTwin.Contracts.Sync;
using NetworkTwin.Hosting.Grpc;

namespace NetworkTwin.Testing;

/// <summary>The generated clients a test or the demo uses against a coordinator, over the product's own channel settings.</summary>
public static class CoordinatorClients
{
    /// <summary>A cleartext HTTP/2 channel to a coordinator on this machine.</summary>
    public static GrpcChannel Channel(int port) => Channel(new Uri($"http://127.0.0.1:{port}"));

    public static GrpcChannel Channel(Uri address) => CoordinatorChannel.Create(new CoordinatorChannelSettings { Address = address });

    public static Operators.OperatorsClient Operators(this GrpcChannel channel) => new(channel);

    public static AgentSync.AgentSyncClient AgentSync(this GrpcChannel channel) => new(channel);

    public static NetworkTwin.Contracts.Design.Designs.DesignsClient Designs(this GrpcChannel channel) => new(channel);
}
