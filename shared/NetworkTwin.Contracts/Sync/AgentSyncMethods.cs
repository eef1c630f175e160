namespace NetworkTwin.Contracts.Sync;

/// <summary>The AgentSync service's methods (sync.proto), as the agent calls them and the coordinator maps them.</summary>
public static class AgentSyncMethods
{
    public const string Service = "networktwin.sync.AgentSync";

    public static readonly RpcMethod<RegisterRequest, RegisterReply> Register = new(Service, "Register", RpcMethodType.Unary);

    /// <summary>Batches of results up, acknowledgements of what is stored down.</summary>
    public static readonly RpcMethod<UplinkBatch, UplinkAck> Uplink = new(Service, "Uplink", RpcMethodType.DuplexStreaming);

    /// <summary>The agent's pending commands, then each new one as it is issued, for as long as the call lasts.</summary>
    public static readonly RpcMethod<DownlinkRequest, Command> Downlink = new(Service, "Downlink", RpcMethodType.ServerStreaming);

    /// <summary>The agent's outcome of one command.</summary>
    public static readonly RpcMethod<CommandAck, CommandAckReply> Acknowledge = new(Service, "Acknowledge", RpcMethodType.Unary);
}
