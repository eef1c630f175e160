using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetworkTwin.Analytics.Parsing;

/// <summary>
/// The numbers of the fast paths, each given as exactly one field: <c>digits[.digits]</c> of at most 15 digits, or a
/// non-negative integer of at most 9. Anything else (a sign, an exponent, a stray byte) is false, and the caller
/// falls back to the careful path that explains what is wrong.
/// </summary>
internal static class PlainNumber
{
    private const ulong Zeros = 0x3030303030303030;
    private const ulong Points = 0x2E2E2E2E2E2E2E2E;
    private const ulong LowBits = 0x0101010101010101;
    private const ulong HighBits = 0x8080808080808080;

    private static readonly double[] PowersOfTen = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];
    private static readonly ulong[] Scales = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000];

    /// <summary>
    /// <see cref="TryDecimal(ReadOnlySpan{byte}, out double)"/> of the field <paramref name="text"/>[start..end], eight
    /// bytes at a time (SWAR) when the text holds eight bytes past the field: the same answer, without a step per digit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryDecimal(ReadOnlySpan<byte> text, int start, int end, out double value)
    {
        var n = end - start;
        if (n is <= 0 or > 16 || end + 8 > text.Length)
        {
            return TryDecimal(text[start..end], out value);
        }

        var first = Word(text, start);
        var point = IndexOfPoint(first, Math.Min(n, 8));
        if (n <= 8)
        {
            return TryShortDecimal(first, n, point, out value);
        }

        if (point < 0)
        {
            point = IndexOfPoint(Word(text, start + 8), n - 8);
            point = point < 0 ? -1 : point + 8;
        }

        var whole = point < 0 ? n : point;
        var fraction = point < 0 ? 0 : n - point - 1;
        if (whole > 8 || fraction > 8)
        {
            return TryDecimal(text[start..end], out value);
        }

        // Here the field is 9 to 16 bytes with a point, so it holds 8 to 15 digits: no count to check.
        value = 0;
        if (!TryEight(text, start, whole, out var high) || !TryEight(text, start + whole + 1, fraction, out var low))
        {
            return false;
        }

        var mantissa = (high * Scales[fraction]) + low;
        value = fraction > 0 ? mantissa / PowersOfTen[fraction] : mantissa;
        return true;
    }

    /// <summary>A field of at most eight bytes, all in <paramref name="word"/>: the point taken out, every digit read at once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryShortDecimal(ulong word, int n, int point, out double value)
    {
        value = 0;
        if (point < 0)
        {
            if (!TryDigits(word, n, out var whole))
            {
                return false;
            }

            value = whole;
            return true;
        }

        // The bytes below the point stay; the bytes above it move down one, over it.
        var below = word & ~(ulong.MaxValue << (point * 8));
        var above = (word >> 8) & (ulong.MaxValue << (point * 8));
        var fraction = n - point - 1;
        if (n == 1 || !TryDigits(below | above, n - 1, out var mantissa))
        {
            return false;
        }

        value = mantissa / PowersOfTen[fraction];
        return true;
    }

    /// <summary><see cref="TryInt(ReadOnlySpan{byte}, out int)"/> of the field <paramref name="text"/>[start..end], SWAR when the text holds eight bytes from its start.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryInt(ReadOnlySpan<byte> text, int start, int end, out int value)
    {
        var n = end - start;
        if (n is <= 0 or > 8 || start + 8 > text.Length)
        {
            return TryInt(text[start..end], out value);
        }

        var ok = TryEight(text, start, n, out var digits);
        value = (int)digits;
        return ok;
    }

    /// <summary>Reads <c>digits[.digits]</c>: at least one digit, at most 15, at most one point.</summary>
    public static bool TryDecimal(ReadOnlySpan<byte> field, out double value)
    {
        value = 0;
        if (field.Length is 0 or > 16)
        {
            return false;
        }

        ulong mantissa = 0;
        var point = -1;
        for (var i = 0; i < field.Length; i++)
        {
            var d = (uint)(field[i] - '0');
            if (d <= 9)
            {
                mantissa = (mantissa * 10) + d;
            }
            else if (field[i] == (byte)'.' && point < 0)
            {
                point = i;
            }
            else
            {
                return false;
            }
        }

        var fraction = point < 0 ? 0 : field.Length - point - 1;
        var digits = point < 0 ? field.Length : field.Length - 1;

        // 15 digits keep the mantissa exact in a double, so one division is correctly rounded.
        if (digits is 0 or > 15)
        {
            return false;
        }

        value = fraction > 0 ? mantissa / PowersOfTen[fraction] : mantissa;
        return true;
    }

    /// <summary>Reads a non-negative integer of 1 to 9 digits.</summary>
    public static bool TryInt(ReadOnlySpan<byte> field, out int value)
    {
        value = 0;
        if (field.Length is 0 or > 9)
        {
            return false;
        }

        var acc = 0;
        foreach (var b in field)
        {
            var d = (uint)(b - '0');
            if (d > 9)
            {
                return false;
            }

            acc = (acc * 10) + (int)d;
        }

        value = acc;
        return true;
    }

    /// <summary>The first '.' among the first <paramref name="n"/> bytes of a little-endian word, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int IndexOfPoint(ulong word, int n)
    {
        // A byte equal to '.' becomes zero; the lowest zero byte is found exactly (borrows only run upwards).
        var x = word ^ Points;
        var zero = (x - LowBits) & ~x & HighBits;
        if (zero == 0)
        {
            return -1;
        }

        var i = BitOperations.TrailingZeroCount(zero) >> 3;
        return i < n ? i : -1;
    }

    /// <summary>Reads <paramref name="n"/> (0 to 8) ASCII digits from <paramref name="start"/>, all at once; false when one is not a digit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryEight(ReadOnlySpan<byte> text, int start, int n, out ulong value)
    {
        if (n == 0)
        {
            value = 0;
            return true;
        }

        return TryDigits(Word(text, start), n, out value);
    }

    /// <summary>Reads the low <paramref name="n"/> (1 to 8) bytes of a little-endian word as ASCII digits, all at once; false when one is not a digit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryDigits(ulong word, int n, out ulong value)
    {
        value = 0;

        // The field's bytes to the top of the word, '0's below them: the same number with leading zeros.
        var shift = (8 - n) * 8;
        word = (word << shift) | (Zeros & ~(ulong.MaxValue << shift));
        if (((word & 0xF0F0F0F0F0F0F0F0) | (((word + 0x0606060606060606) & 0xF0F0F0F0F0F0F0F0) >> 4)) != 0x3333333333333333)
        {
            return false;
        }

        // Pairs, then fours, then all eight digits, a multiplication each.
        word = ((word & 0x0F0F0F0F0F0F0F0F) * 2561) >> 8;
        word = ((word & 0x00FF00FF00FF00FF) * 6553601) >> 16;
        value = (uint)(((word & 0x0000FFFF0000FFFF) * 42949672960001) >> 32);
        return true;
    }

    /// <summary>The eight bytes from <paramref name="at"/> as a little-endian word; the callers have checked that the text holds them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Word(ReadOnlySpan<byte> text, int at)
    {
        var word = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref MemoryMarshal.GetReference(text), at));
        return BitConverter.IsLittleEndian ? word : BinaryPrimitives.ReverseEndianness(word);
    }
}
