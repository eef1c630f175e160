namespace NetworkTwin.Analytics.Signal;

/// <summary>
/// In-place radix-2 complex FFT of one power-of-two size, with the twiddle factors and the
/// bit-reversal permutation computed once. Immutable after construction, so one plan serves
/// many threads (each with its own data arrays).
/// </summary>
public sealed class FftPlan
{
    private readonly double[] _cos;
    private readonly double[] _sin;
    private readonly int[] _reverse;

    public FftPlan(int size)
    {
        if (size < 2 || (size & (size - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, "FFT size must be a power of two >= 2.");
        }

        Size = size;
        _cos = new double[size / 2];
        _sin = new double[size / 2];
        for (var k = 0; k < size / 2; k++)
        {
            var angle = -2.0 * Math.PI * k / size;
            _cos[k] = Math.Cos(angle);
            _sin[k] = Math.Sin(angle);
        }

        var bits = System.Numerics.BitOperations.Log2((uint)size);
        _reverse = new int[size];
        for (var i = 0; i < size; i++)
        {
            var r = 0;
            for (var b = 0; b < bits; b++)
            {
                r |= ((i >> b) & 1) << (bits - 1 - b);
            }

            _reverse[i] = r;
        }
    }

    public int Size { get; }

    /// <summary>Smallest power of two that is at least <paramref name="length"/>.</summary>
    public static int SizeFor(int length) => (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(2, length));

    /// <summary>Forward transform, X[k] = sum x[n] e^{-2 pi i k n / N}.</summary>
    public void Forward(Span<double> re, Span<double> im) => Transform(re, im, inverse: false);

    /// <summary>Inverse transform including the 1/N scale.</summary>
    public void Inverse(Span<double> re, Span<double> im)
    {
        Transform(re, im, inverse: true);
        var scale = 1.0 / Size;
        for (var i = 0; i < Size; i++)
        {
            re[i] *= scale;
            im[i] *= scale;
        }
    }

    private void Transform(Span<double> re, Span<double> im, bool inverse)
    {
        if (re.Length != Size || im.Length != Size)
        {
            throw new ArgumentException($"Both spans must have exactly {Size} elements.");
        }

        for (var i = 0; i < Size; i++)
        {
            var j = _reverse[i];
            if (j > i)
            {
                (re[i], re[j]) = (re[j], re[i]);
                (im[i], im[j]) = (im[j], im[i]);
            }
        }

        var sign = inverse ? -1.0 : 1.0;
        for (var half = 1; half < Size; half <<= 1)
        {
            var step = Size / (half << 1);
            for (var start = 0; start < Size; start += half << 1)
            {
                for (var k = 0; k < half; k++)
                {
                    var wr = _cos[k * step];
                    var wi = sign * _sin[k * step];
                    var a = start + k;
                    var b = a + half;
                    var tr = (re[b] * wr) - (im[b] * wi);
                    var ti = (re[b] * wi) + (im[b] * wr);
                    re[b] = re[a] - tr;
                    im[b] = im[a] - ti;
                    re[a] += tr;
                    im[a] += ti;
                }
            }
        }
    }
}
