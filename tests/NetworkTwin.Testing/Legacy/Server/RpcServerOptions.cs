namespace NetworkTwin.Testing.Legacy.Server;

public sealed class RpcServerOptions
{
    /// <summary>Largest request message accepted (after decompression).</summary>
    public int MaxMessageBytes { get; set; } = Framing.GrpcFraming.DefaultMaxMessageBytes;

    /// <summary>Called with a handler's unexpected exception (the client only sees UNKNOWN).</summary>
    public Action<string, Exception>? OnHandlerError { get; set; }
}
