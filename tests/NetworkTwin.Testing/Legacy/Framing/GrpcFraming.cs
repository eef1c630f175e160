using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using Google.Protobuf;

namespace NetworkTwin.Testing.Legacy.Framing;

/// <summary>
/// The gRPC length-prefixed message (PROTOCOL-HTTP2.md): 1 byte compressed flag, 4 bytes
/// big-endian length, then the message. Synchronous and pure; checks the declared length against
/// the limit before waiting for the body, and parses the message before the caller advances.
/// </summary>
public static class GrpcFraming
{
    public const int HeaderBytes = 5;

    /// <summary>Default largest message either side accepts (4 MiB, as gRPC implementations do).</summary>
    public const int DefaultMaxMessageBytes = 4 * 1024 * 1024;

    /// <summary>Reads one message; false when more bytes are needed.</summary>
    /// <exception cref="RpcException">Malformed or oversized frame (status Internal or ResourceExhausted).</exception>
    public static bool TryRead<T>(ref ReadOnlySequence<byte> buffer, MessageParser<T> parser, int maxMessageBytes, bool gzipAllowed, out T? message)
        where T : IMessage<T>
    {
        message = default;
        if (buffer.Length < HeaderBytes)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[HeaderBytes];
        buffer.Slice(0, HeaderBytes).CopyTo(header);
        var flag = header[0];
        var length = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        if (flag > 1)
        {
            throw new RpcException(RpcStatusCode.Internal, $"message frame has compressed flag {flag}, not 0 or 1");
        }

        if (length > (uint)maxMessageBytes)
        {
            throw new RpcException(RpcStatusCode.ResourceExhausted, $"message of {length} bytes is larger than the limit of {maxMessageBytes}");
        }

        if (buffer.Length < HeaderBytes + length)
        {
            return false;
        }

        var body = buffer.Slice(HeaderBytes, length);
        try
        {
            if (flag == 1)
            {
                if (!gzipAllowed)
                {
                    throw new RpcException(RpcStatusCode.Internal, "compressed message without a grpc-encoding to decode it");
                }

                message = parser.ParseFrom(Gunzip(body, maxMessageBytes));
            }
            else
            {
                message = parser.ParseFrom(body);
            }
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new RpcException(RpcStatusCode.Internal, $"message is not a valid {typeof(T).Name}: {ex.Message}");
        }

        buffer = buffer.Slice(body.End);
        return true;
    }

    public static void Write(IBufferWriter<byte> writer, IMessage message, bool gzip)
    {
        if (gzip)
        {
            var raw = message.ToByteArray();
            using var compressed = new MemoryStream();
            using (var zip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
            {
                zip.Write(raw);
            }

            var span = writer.GetSpan(HeaderBytes + (int)compressed.Length);
            span[0] = 1;
            BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)compressed.Length);
            compressed.GetBuffer().AsSpan(0, (int)compressed.Length).CopyTo(span[HeaderBytes..]);
            writer.Advance(HeaderBytes + (int)compressed.Length);
            return;
        }

        var size = message.CalculateSize();
        var target = writer.GetSpan(HeaderBytes + size);
        target[0] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(target[1..], (uint)size);
        message.WriteTo(target.Slice(HeaderBytes, size));
        writer.Advance(HeaderBytes + size);
    }

    private static byte[] Gunzip(ReadOnlySequence<byte> body, int maxMessageBytes)
    {
        using var zip = new GZipStream(new MemoryStream(body.ToArray()), CompressionMode.Decompress);
        using var output = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = zip.Read(chunk)) > 0)
        {
            output.Write(chunk, 0, read);
            if (output.Length > maxMessageBytes)
            {
                // A small frame that inflates without bound is refused, not buffered.
                throw new RpcException(RpcStatusCode.ResourceExhausted, $"compressed message inflates beyond the limit of {maxMessageBytes} bytes");
            }
        }

        return output.ToArray();
    }
}
