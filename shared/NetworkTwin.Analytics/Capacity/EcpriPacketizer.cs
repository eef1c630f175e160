using NetworkTwin.Analytics.Fronthaul;

namespace NetworkTwin.Analytics.Capacity;

/// <summary>A packet at the switch's ingress: the time its last byte has arrived (ns from the traffic's origin) and its bytes on the wire.</summary>
public readonly record struct PacketArrival(long TimeNs, int Bytes);

/// <summary>
/// The fluid traffic of a link as the packets a DU sends: in each interval each cell's bytes go out as equal eCPRI
/// frames of at most <c>maxFrameBytes</c> (the fewest that carry them), spread evenly over the interval as the fluid
/// model spreads its bits, each arriving when its last byte has (store and forward). Every byte of the series is
/// sent: the fractions of a byte carry over to the cell's next interval. With <c>headerBytes</c> each frame also
/// carries that much of Ethernet, eCPRI and O-RAN headers on top of its payload (0 = the twin's bytes exactly).
/// </summary>
public static class EcpriPacketizer
{
    /// <summary>A jumbo frame, as fronthaul networks run.</summary>
    public const int DefaultMaxFrameBytes = 9000;

    /// <summary>Arrivals in time order (by cell at equal times).</summary>
    public static IEnumerable<PacketArrival> Arrivals(LinkTraffic traffic, int maxFrameBytes = DefaultMaxFrameBytes, int headerBytes = 0)
    {
        ArgumentNullException.ThrowIfNull(traffic);
        ArgumentOutOfRangeException.ThrowIfLessThan(headerBytes, 0);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(maxFrameBytes, headerBytes);
        return Iterate(traffic, maxFrameBytes, headerBytes);
    }

    private static IEnumerable<PacketArrival> Iterate(LinkTraffic traffic, int maxFrameBytes, int headerBytes)
    {
        var payloadMax = maxFrameBytes - headerBytes;
        var intervalNs = traffic.IntervalSeconds * 1e9;
        var carry = new double[traffic.Cells.Length];
        var batch = new List<PacketArrival>();
        for (var i = 0; i < traffic.Intervals; i++)
        {
            batch.Clear();
            var start = i * intervalNs;
            for (var c = 0; c < traffic.Cells.Length; c++)
            {
                var bytes = (traffic.KbitPerCell[c][i] * 125.0) + carry[c];
                var whole = (long)Math.Floor(bytes);
                carry[c] = bytes - whole;
                if (whole <= 0)
                {
                    continue;
                }

                var frames = (whole + payloadMax - 1) / payloadMax;
                var size = whole / frames;
                var larger = whole % frames;
                for (var j = 0; j < frames; j++)
                {
                    batch.Add(new PacketArrival((long)Math.Round(start + ((j + 1) * intervalNs / frames)), (int)(size + (j < larger ? 1 : 0) + headerBytes)));
                }
            }

            // Each cell's frames are already in time order; a stable sort merges the cells.
            foreach (var packet in batch.OrderBy(p => p.TimeNs))
            {
                yield return packet;
            }
        }
    }
}
