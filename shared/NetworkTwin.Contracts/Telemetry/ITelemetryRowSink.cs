namespace NetworkTwin.Contracts.Telemetry;

/// <summary>Receives decoded rows without allocating per row.</summary>
public interface ITelemetryRowSink
{
    void Throughput(double timeSeconds, double kbit);

    void PacketStats(double timeSeconds, int txPackets, int rxPackets, int tooLatePackets);
}
