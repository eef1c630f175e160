namespace NetworkTwin.Analytics.Fronthaul;

/// <summary>Everything read from one capture: DU throughput (symbols and/or the slot table) and RU packet stats.</summary>
public sealed record FronthaulDataset(
    IReadOnlyList<SymbolGrid> Symbols,
    IReadOnlyList<PacketStatsSeries> PacketStats,
    SlotTable? Slots,
    long MalformedLines);
