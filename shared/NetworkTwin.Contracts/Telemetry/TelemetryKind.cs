namespace NetworkTwin.Contracts.Telemetry;

/// <summary>What a telemetry batch carries: the rows of one of the two fronthaul log files.</summary>
public enum TelemetryKind : byte
{
    /// <summary>DU throughput per symbol: "&lt;time s&gt; &lt;kbit&gt;", as in throughput-cell-N.dat.</summary>
    Throughput = 1,

    /// <summary>RU packet counts per slot: "&lt;time s&gt; &lt;tx&gt; &lt;rx&gt; &lt;tooLate&gt;", as in pkt-stats-cell-N.dat.</summary>
    PacketStats = 2,
}
