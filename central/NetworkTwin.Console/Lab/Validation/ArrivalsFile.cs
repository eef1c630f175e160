using System.Buffers.Binary;
using NetworkTwin.Analytics.Capacity;

namespace NetworkTwin.Console.Lab.Validation;

/// <summary>
/// The packet arrivals handed to the ns-3 program: the 8 bytes <c>NTARRV01</c>, then per packet a little-endian
/// int64 arrival time in ns and a uint32 size in bytes, in time order (what tools/NetworkTwin.Ns3 reads).
/// </summary>
internal static class ArrivalsFile
{
    public static ReadOnlySpan<byte> Magic => "NTARRV01"u8;

    /// <summary>Writes the arrivals; returns how many packets and bytes were written.</summary>
    public static (long Packets, long Bytes) Write(string path, IEnumerable<PacketArrival> arrivals)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        file.Write(Magic);
        Span<byte> record = stackalloc byte[12];
        long packets = 0;
        long bytes = 0;
        foreach (var a in arrivals)
        {
            BinaryPrimitives.WriteInt64LittleEndian(record, a.TimeNs);
            BinaryPrimitives.WriteUInt32LittleEndian(record[8..], (uint)a.Bytes);
            file.Write(record);
            packets++;
            bytes += a.Bytes;
        }

        return (packets, bytes);
    }
}
