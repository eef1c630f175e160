using System.Globalization;

namespace NetworkTwin.Analytics.Parsing;

/// <summary>
/// Fast, allocation-free parsing of the plain decimal numbers telemetry logs contain
/// ("1.00315", "676.933", "-2", "1e-3"). Falls back to the framework parser for the rare
/// number that does not fit the fast path, so results are always correctly rounded.
/// </summary>
public static class AsciiNumber
{
    private static readonly double[] PowersOfTen =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];

    /// <summary>Parses a finite decimal number; rejects NaN, infinities, empty input and stray bytes.</summary>
    public static bool TryParseDouble(ReadOnlySpan<byte> text, out double value)
    {
        value = 0;
        if (text.IsEmpty)
        {
            return false;
        }

        var i = 0;
        var negative = false;
        if (text[0] is (byte)'-' or (byte)'+')
        {
            negative = text[0] == (byte)'-';
            i = 1;
        }

        ulong mantissa = 0;
        var digits = 0;
        var fractionDigits = 0;
        var sawDigit = false;
        for (; i < text.Length; i++)
        {
            var d = (uint)(text[i] - '0');
            if (d > 9)
            {
                break;
            }

            sawDigit = true;
            if (digits < 19)
            {
                mantissa = (mantissa * 10) + d;
                if (mantissa != 0)
                {
                    digits++;
                }
            }
            else
            {
                return Fallback(text, out value);
            }
        }

        if (i < text.Length && text[i] == (byte)'.')
        {
            for (i++; i < text.Length; i++)
            {
                var d = (uint)(text[i] - '0');
                if (d > 9)
                {
                    break;
                }

                sawDigit = true;
                if (digits >= 19)
                {
                    return Fallback(text, out value);
                }

                mantissa = (mantissa * 10) + d;
                if (mantissa != 0)
                {
                    digits++;
                }

                fractionDigits++;
            }
        }

        if (!sawDigit)
        {
            return false;
        }

        if (i < text.Length)
        {
            // Exponents and anything else unusual go through the exact framework parser.
            return text[i] is (byte)'e' or (byte)'E' && Fallback(text, out value);
        }

        // Exact: mantissa < 2^53 and 10^k <= 10^22 are both exactly representable, so one
        // IEEE division is correctly rounded.
        if (mantissa > (1UL << 53) || fractionDigits >= PowersOfTen.Length)
        {
            return Fallback(text, out value);
        }

        value = mantissa / PowersOfTen[fractionDigits];
        if (negative)
        {
            value = -value;
        }

        return true;
    }

    /// <summary>Parses a non-negative integer that fits an <see cref="int"/>.</summary>
    public static bool TryParseNonNegativeInt(ReadOnlySpan<byte> text, out int value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > 10)
        {
            return false;
        }

        long acc = 0;
        foreach (var b in text)
        {
            var d = (uint)(b - '0');
            if (d > 9)
            {
                return false;
            }

            acc = (acc * 10) + d;
        }

        if (acc > int.MaxValue)
        {
            return false;
        }

        value = (int)acc;
        return true;
    }

    private static bool Fallback(ReadOnlySpan<byte> text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
}
