using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetworkTwin.Analytics.Parsing;

/// <summary>
/// The vectorised field scan of the block parsers: finds every space and newline of a block 64 bytes at a time
/// (one compare per byte class, a bit per byte) and hands out the fields between them in order, with whether a
/// newline ends each. It does not judge the fields: a tab, a carriage return or a second space stays inside a field
/// and makes the row's number parse fail, which sends that line to the careful line-at-a-time path.
/// </summary>
internal ref struct FieldScanner
{
    private const int ChunkBytes = 64;

    private readonly ReadOnlySpan<byte> _text;
    private int _chunk;
    private ulong _separators;
    private ulong _newlines;
    private int _fieldStart;

    public FieldScanner(ReadOnlySpan<byte> text)
    {
        _text = text;
        _chunk = -ChunkBytes;
    }

    /// <summary>
    /// The next field: <paramref name="start"/> to <paramref name="end"/> (exclusive; <paramref name="end"/> is the
    /// separator), and whether that separator is a newline. False when the text ends before another separator.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Next(out int start, out int end, out bool endsLine)
    {
        while (_separators == 0)
        {
            _chunk += ChunkBytes;
            if (_chunk >= _text.Length)
            {
                start = end = 0;
                endsLine = false;
                return false;
            }

            Load();
        }

        var bit = BitOperations.TrailingZeroCount(_separators);
        _separators &= _separators - 1;
        start = _fieldStart;
        end = _chunk + bit;
        endsLine = ((_newlines >> bit) & 1) != 0;
        _fieldStart = end + 1;
        return true;
    }

    private void Load()
    {
        var rest = _text[_chunk..];
        if (rest.Length >= ChunkBytes)
        {
            Classify(rest);
            return;
        }

        // The last bytes, padded with zeros (not a separator): a field cut off by the end is never handed out.
        Span<byte> tail = stackalloc byte[ChunkBytes];
        tail.Clear();
        rest.CopyTo(tail);
        Classify(tail);
    }

    private void Classify(scoped ReadOnlySpan<byte> bytes)
    {
        ref var first = ref MemoryMarshal.GetReference(bytes);
        ulong spaces;
        ulong newlines;
        if (Vector256.IsHardwareAccelerated)
        {
            var low = Vector256.LoadUnsafe(ref first);
            var high = Vector256.LoadUnsafe(ref first, 32);
            spaces = Vector256.Equals(low, Vector256.Create((byte)' ')).ExtractMostSignificantBits()
                | ((ulong)Vector256.Equals(high, Vector256.Create((byte)' ')).ExtractMostSignificantBits() << 32);
            newlines = Vector256.Equals(low, Vector256.Create((byte)'\n')).ExtractMostSignificantBits()
                | ((ulong)Vector256.Equals(high, Vector256.Create((byte)'\n')).ExtractMostSignificantBits() << 32);
        }
        else
        {
            spaces = 0;
            newlines = 0;
            for (var i = 0; i < ChunkBytes; i += 16)
            {
                var v = Vector128.LoadUnsafe(ref first, (nuint)i);
                spaces |= (ulong)Vector128.Equals(v, Vector128.Create((byte)' ')).ExtractMostSignificantBits() << i;
                newlines |= (ulong)Vector128.Equals(v, Vector128.Create((byte)'\n')).ExtractMostSignificantBits() << i;
            }
        }

        _separators = spaces | newlines;
        _newlines = newlines;
    }
}
