namespace NetworkTwin.Telemetry.Files;

/// <summary>The telemetry files the loader recognises by name.</summary>
public enum FronthaulFileKind
{
    /// <summary><c>throughput-cell-N.dat</c>: DU kbit per symbol.</summary>
    Throughput,

    /// <summary><c>pkt-stats-cell-N.dat</c>: RU packet counts per slot.</summary>
    PacketStats,

    /// <summary><c>throughput*.csv</c>: DU kbit per slot for many cells.</summary>
    SlotTable,
}
