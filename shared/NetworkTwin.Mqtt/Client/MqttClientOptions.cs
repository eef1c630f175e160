using System.ComponentModel.DataAnnotations;
namespace NetworkTwin.Mqtt.Client;

/// <summary>How the client reaches and talks to its broker. <see cref="Validate"/> names every bad value.</summary>
public sealed class MqttClientOptions
{
    /// <summary>The broker's host name or IP address.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>The broker's TCP port (8883 is usual with TLS).</summary>

    [Range(1, 65535)]

    public int Port { get; set; } = 1883;

    /// <summary>The client id at the broker; the agent's default is derived from its site when empty.</summary>

    public string ClientId { get; set; } = "networktwin";

    /// <summary>User name at the broker; none = anonymous.</summary>

    public string? Username { get; set; }

    /// <summary>Password at the broker (needs Username); prefer the NETWORKTWIN_Mqtt__Password variable or a file-backed secret to the site file.</summary>

    public string? Password { get; set; }

    /// <summary>MQTT protocol version: "5" (default: session expiry, reason codes, flow control by receive maximum) or "3.1.1".</summary>
    [AllowedValues("5", "3.1.1")]
    public string ProtocolVersion { get; set; } = "5";

    /// <summary>False keeps the broker-side session (subscriptions, queued QoS 1/2) across reconnects.</summary>
    public bool CleanSession { get; set; }

    /// <summary>MQTT 5: how long the broker keeps the session (and queues QoS 1 for it) after a disconnect; default 3600 s, 0..4294967295. 3.1.1 keeps it until a clean connect.</summary>
    public uint SessionExpirySeconds { get; set; } = 3600;

    /// <summary>Seconds between keep-alive pings when nothing else is sent; 0 = none.</summary>

    [Range(0, 65535)]

    public int KeepAliveSeconds { get; set; } = 30;

    /// <summary>No answer to a keep-alive ping within this long after the last packet sent ends the connection.</summary>
    public double DeadConnectionSeconds { get; set; } = 45;

    /// <summary>How long one connection attempt may take.</summary>

    [Range(0d, 300d, MinimumIsExclusive = true)]

    public double ConnectTimeoutSeconds { get; set; } = 10;

    /// <summary>First wait before reconnecting to the broker; it doubles on each failure (with jitter).</summary>

    [Range(0d, 3600d, MinimumIsExclusive = true)]

    public double ReconnectMinSeconds { get; set; } = 0.5;

    /// <summary>Longest wait between reconnects: ReconnectMinSeconds..3600.</summary>

    public double ReconnectMaxSeconds { get; set; } = 30;

    /// <summary>Unacknowledged outbound QoS 1 messages; publishers wait beyond this.</summary>
    [Range(1, 65000)]
    public int MaxInflight { get; set; } = 1000;

    /// <summary>Received messages waiting for the consumer; when full the client stops reading the socket.</summary>
    [Range(1, 10_000_000)]
    public int InboundQueueCapacity { get; set; } = 10_000;

    /// <summary>MQTT 5: the largest packet the broker may send this client (it drops larger ones for it).</summary>
    [Range(1024, 268_435_455)]
    public int MaxPacketBytes { get; set; } = 1 << 20;

    /// <summary>
    /// The socket's receive and send buffers: default 1 MiB, 65536..67108864. MQTTnet sets them explicitly (its own
    /// default is 8 KiB, which turns off the kernel's autotuning): a small receive window stalls a fast stream from a
    /// broker that sends with TCP_NODELAY (mosquitto's set_tcp_nodelay, EMQX's default) to tens of messages a second.
    /// </summary>
    [Range(65_536, 67_108_864)]
    public int SocketBufferBytes { get; set; } = 1 << 20;

    public MqttTlsOptions Tls { get; set; } = new();

    /// <summary>Every problem, each naming the key (prefixed with <paramref name="section"/>) and the allowed range.</summary>
    public IReadOnlyList<string> Validate(string section = "Mqtt")
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Host))
        {
            errors.Add($"{section}:Host must name the broker (host name or IP address).");
        }

        Check(ProtocolVersion is "5" or "3.1.1", $"{section}:ProtocolVersion must be 5 or 3.1.1 (got \"{ProtocolVersion}\").");
        Check(Port is >= 1 and <= 65535, $"{section}:Port must be 1..65535 (got {Port}).");
        Check(!string.IsNullOrEmpty(ClientId) && ClientId.Length <= 256, $"{section}:ClientId must be 1..256 characters (got \"{ClientId}\").");
        Check(KeepAliveSeconds is >= 0 and <= 65535, $"{section}:KeepAliveSeconds must be 0..65535 (got {KeepAliveSeconds}).");
        Check(DeadConnectionSeconds > KeepAliveSeconds || KeepAliveSeconds == 0,
            $"{section}:DeadConnectionSeconds must be above KeepAliveSeconds ({KeepAliveSeconds}) (got {DeadConnectionSeconds}).");
        Check(ConnectTimeoutSeconds is > 0 and <= 300, $"{section}:ConnectTimeoutSeconds must be above 0 and at most 300 (got {ConnectTimeoutSeconds}).");
        Check(ReconnectMinSeconds is > 0 and <= 3600, $"{section}:ReconnectMinSeconds must be above 0 and at most 3600 (got {ReconnectMinSeconds}).");
        Check(ReconnectMaxSeconds >= ReconnectMinSeconds && ReconnectMaxSeconds <= 3600,
            $"{section}:ReconnectMaxSeconds must be ReconnectMinSeconds..3600 (got {ReconnectMaxSeconds}).");
        Check(MaxInflight is >= 1 and <= 65000, $"{section}:MaxInflight must be 1..65000 (got {MaxInflight}).");
        Check(InboundQueueCapacity is >= 1 and <= 10_000_000, $"{section}:InboundQueueCapacity must be 1..10000000 (got {InboundQueueCapacity}).");
        Check(SocketBufferBytes is >= 65_536 and <= 67_108_864, $"{section}:SocketBufferBytes must be 65536..67108864 (got {SocketBufferBytes}).");
        Check(MaxPacketBytes is >= 1024 and <= 268_435_455, $"{section}:MaxPacketBytes must be 1024..268435455 (got {MaxPacketBytes}).");
        Check(Password is null || Username is not null, $"{section}:Password needs {section}:Username (MQTT 3.1.1 sends no password alone).");
        errors.AddRange(Tls.Validate($"{section}:Tls"));
        return errors;

        void Check(bool ok, string message)
        {
            if (!ok)
            {
                errors.Add(message);
            }
        }
    }
}
