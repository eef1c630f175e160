namespace NetworkTwin.Contracts.Sync;

/// <summary>The AgentSync service's methods (sync.proto), as the agent calls them and the coordinator maps them.</summary>
public static class AgentSyncMethods
{
    public const string Service = "networktwin.sync.AgentSync";

    public static readonly RpcMethod<RegisterRequest, RegisterReply> Register = new(Service, "Register", RpcMethodType.Unary);

    /// <summary>Batches of results up, acknowledgements of what is stored down.</summary>
    public static readonly RpcMethod<UplinkBatch, UplinkAck> Uplink = new(Service, "Uplink", RpcMethodType.DuplexStreaming);
}
