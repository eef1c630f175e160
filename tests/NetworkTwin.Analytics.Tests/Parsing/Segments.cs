using System.Buffers;

namespace NetworkTwin.Analytics.Tests.Parsing;

/// <summary>Builds the same bytes as one segment or as many tiny ones, to test parsers on both.</summary>
internal static class Segments
{
    public static ReadOnlySequence<byte> Split(byte[] bytes, int segmentLength)
    {
        if (bytes.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        Chunk? first = null;
        Chunk? last = null;
        for (var i = 0; i < bytes.Length; i += segmentLength)
        {
            var chunk = new Chunk(bytes.AsMemory(i, Math.Min(segmentLength, bytes.Length - i)));
            if (first is null)
            {
                first = chunk;
            }
            else
            {
                last!.Append(chunk);
            }

            last = chunk;
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Chunk : ReadOnlySequenceSegment<byte>
    {
        public Chunk(ReadOnlyMemory<byte> memory) => Memory = memory;

        public void Append(Chunk next)
        {
            next.RunningIndex = RunningIndex + Memory.Length;
            Next = next;
        }
    }
}
