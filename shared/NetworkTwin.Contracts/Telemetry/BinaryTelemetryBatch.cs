using System.Buffers.Binary;

namespace NetworkTwin.Contracts.Telemetry;

/// <summary>
/// The compact binary payload. A text payload is never binary: it cannot start with byte 0.
/// <code>
/// offset size
///  0     4   magic 0x00 'N' 'T' 0x01 (version 1)
///  4     1   kind: 1 throughput, 2 pkt-stats
///  5     3   reserved, 0
///  8     8   sender clock when published, Unix time in ns (int64 LE); 0 = not stamped
/// 16     4   row count (uint32 LE)
/// 20     -   rows, little-endian:
///            throughput: time s (float64), kbit (float32)                         12 bytes
///            pkt-stats:  time s (float64), tx, rx, tooLate packets (int32 each)   20 bytes
/// </code>
/// The payload length must equal 20 + count x row size exactly.
/// </summary>
public static class BinaryTelemetryBatch
{
    public const int HeaderBytes = 20;
    public const int ThroughputRowBytes = 12;
    public const int PacketStatsRowBytes = 20;

    private static ReadOnlySpan<byte> Magic => [0x00, (byte)'N', (byte)'T', 0x01];

    /// <summary>Whether a payload is in the binary form (it starts with byte 0).</summary>
    public static bool IsBinary(ReadOnlySpan<byte> payload) => !payload.IsEmpty && payload[0] == 0;

    public static int RowBytes(TelemetryKind kind) => kind == TelemetryKind.Throughput ? ThroughputRowBytes : PacketStatsRowBytes;

    public static byte[] EncodeThroughput(ReadOnlySpan<double> timesSeconds, ReadOnlySpan<float> kbit, long sentUnixNanos = 0)
    {
        if (timesSeconds.Length != kbit.Length)
        {
            throw new ArgumentException("times and kbit must be the same length");
        }

        var bytes = new byte[HeaderBytes + (timesSeconds.Length * ThroughputRowBytes)];
        WriteHeader(bytes, TelemetryKind.Throughput, timesSeconds.Length, sentUnixNanos);
        var at = HeaderBytes;
        for (var i = 0; i < timesSeconds.Length; i++)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(at), timesSeconds[i]);
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(at + 8), kbit[i]);
            at += ThroughputRowBytes;
        }

        return bytes;
    }

    public static byte[] EncodePacketStats(
        ReadOnlySpan<double> timesSeconds, ReadOnlySpan<int> tx, ReadOnlySpan<int> rx, ReadOnlySpan<int> tooLate, long sentUnixNanos = 0)
    {
        if (timesSeconds.Length != tx.Length || tx.Length != rx.Length || rx.Length != tooLate.Length)
        {
            throw new ArgumentException("all columns must be the same length");
        }

        var bytes = new byte[HeaderBytes + (timesSeconds.Length * PacketStatsRowBytes)];
        WriteHeader(bytes, TelemetryKind.PacketStats, timesSeconds.Length, sentUnixNanos);
        var at = HeaderBytes;
        for (var i = 0; i < timesSeconds.Length; i++)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(at), timesSeconds[i]);
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(at + 8), tx[i]);
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(at + 12), rx[i]);
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(at + 16), tooLate[i]);
            at += PacketStatsRowBytes;
        }

        return bytes;
    }

    /// <summary>Reads the sender's timestamp (Unix ns; 0 when not stamped) without decoding rows.</summary>
    public static long SentUnixNanos(ReadOnlySpan<byte> payload) =>
        payload.Length >= HeaderBytes ? BinaryPrimitives.ReadInt64LittleEndian(payload[8..]) : 0;

    /// <summary>
    /// Checks the whole payload first, then hands every row to <paramref name="sink"/>: a batch is
    /// accepted whole or not at all. Returns null on success, otherwise what is wrong.
    /// </summary>
    public static string? Decode(ReadOnlySpan<byte> payload, TelemetryKind expected, ITelemetryRowSink sink, out int rows)
    {
        rows = 0;
        if (payload.Length < HeaderBytes || !payload[..4].SequenceEqual(Magic))
        {
            return payload.Length >= 4 && payload[0] == 0 && payload[1] == 'N' && payload[2] == 'T'
                ? $"binary batch version {payload[3]} is not supported (this agent reads version 1)"
                : $"binary batch of {payload.Length} bytes has no valid {HeaderBytes}-byte header";
        }

        var kind = (TelemetryKind)payload[4];
        if (kind != expected)
        {
            return $"binary batch holds kind {payload[4]}, but the topic says {TelemetryTopic.KindName(expected)}";
        }

        var count = BinaryPrimitives.ReadUInt32LittleEndian(payload[16..]);
        var rowBytes = RowBytes(kind);
        if ((ulong)payload.Length != HeaderBytes + ((ulong)count * (ulong)rowBytes))
        {
            return $"binary batch declares {count} rows ({HeaderBytes + ((ulong)count * (ulong)rowBytes)} bytes) but is {payload.Length} bytes";
        }

        var body = payload[HeaderBytes..];
        for (var i = 0; i < (int)count; i++)
        {
            var row = body.Slice(i * rowBytes, rowBytes);
            var time = BinaryPrimitives.ReadDoubleLittleEndian(row);
            if (!double.IsFinite(time) || time < 0 || time > 1e9)
            {
                return $"row {i + 1}: time {time} is not a number of seconds in 0..1e9";
            }

            if (kind == TelemetryKind.Throughput)
            {
                var kbit = BinaryPrimitives.ReadSingleLittleEndian(row[8..]);
                if (!float.IsFinite(kbit) || kbit < 0)
                {
                    return $"row {i + 1}: kbit {kbit} is not a non-negative number";
                }
            }
            else
            {
                var tx = BinaryPrimitives.ReadInt32LittleEndian(row[8..]);
                var rx = BinaryPrimitives.ReadInt32LittleEndian(row[12..]);
                var late = BinaryPrimitives.ReadInt32LittleEndian(row[16..]);
                if (tx < 0 || rx < 0 || late < 0 || rx > tx || late > rx)
                {
                    return $"row {i + 1}: packet counts tx {tx} rx {rx} tooLate {late} must satisfy 0 <= tooLate <= rx <= tx";
                }
            }
        }

        for (var i = 0; i < (int)count; i++)
        {
            var row = body.Slice(i * rowBytes, rowBytes);
            var time = BinaryPrimitives.ReadDoubleLittleEndian(row);
            if (kind == TelemetryKind.Throughput)
            {
                sink.Throughput(time, BinaryPrimitives.ReadSingleLittleEndian(row[8..]));
            }
            else
            {
                sink.PacketStats(time, BinaryPrimitives.ReadInt32LittleEndian(row[8..]), BinaryPrimitives.ReadInt32LittleEndian(row[12..]), BinaryPrimitives.ReadInt32LittleEndian(row[16..]));
            }
        }

        rows = (int)count;
        return null;
    }

    private static void WriteHeader(Span<byte> bytes, TelemetryKind kind, int count, long sentUnixNanos)
    {
        Magic.CopyTo(bytes);
        bytes[4] = (byte)kind;
        BinaryPrimitives.WriteInt64LittleEndian(bytes[8..], sentUnixNanos);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes[16..], (uint)count);
    }
}
