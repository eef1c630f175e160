using System.Text;

namespace NetworkTwin.Lab.Fuzz;

/// <summary>
/// Derives inputs from a corpus the way afl's havoc stage does, without coverage feedback: bit and byte flips,
/// interesting numbers, inserted and deleted ranges, repeated blocks, splices of two inputs, and the format's
/// own tokens (numbers, separators, keywords) dropped in at random places. Seeded, so a run can be repeated.
/// </summary>
internal sealed class Mutator(int seed, IReadOnlyList<byte[]> dictionary)
{
    /// <summary>Inputs never grow beyond this; the parsers' own limits are tested by the seeds that reach them.</summary>
    public const int MaxInputBytes = 64 * 1024;

    private static readonly byte[][] Common =
    [
        .. new[]
        {
            "0", "-1", "1e308", "-1e308", "NaN", "Infinity", "-0", "2147483648", "9223372036854775808", "1e-320", "0x10",
            " ", "\t", "\n", "\r\n", ",", ";", ":", "=", "->", "\"", "'", "{", "}", "[", "]", "<", ">", "/", "\\", "\0", "#", "%", "@", "+",
        }.Select(Encoding.UTF8.GetBytes),
    ];

    private static readonly byte[] Interesting = [0, 1, 0x7f, 0x80, 0xff, (byte)'0', (byte)'9', (byte)'-', (byte)'.', (byte)'e', (byte)'\n'];

    private readonly Random _rng = new(seed);

    public byte[] Next(IReadOnlyList<byte[]> corpus)
    {
        var data = new List<byte>(corpus[_rng.Next(corpus.Count)]);
        var rounds = 1 << _rng.Next(1, 5);
        for (var r = 0; r < rounds; r++)
        {
            Mutate(data, corpus);
        }

        return data.Count > MaxInputBytes ? [.. data.Take(MaxInputBytes)] : [.. data];
    }

    private void Mutate(List<byte> data, IReadOnlyList<byte[]> corpus)
    {
        switch (_rng.Next(data.Count == 0 ? 7 : 0, 11))
        {
            case 0:
                data[_rng.Next(data.Count)] ^= (byte)(1 << _rng.Next(8));
                break;
            case 1:
                data[_rng.Next(data.Count)] = Interesting[_rng.Next(Interesting.Length)];
                break;
            case 2:
                data[_rng.Next(data.Count)] = (byte)_rng.Next(256);
                break;
            case 3:
                {
                    var at = _rng.Next(data.Count);
                    data.RemoveRange(at, Math.Min(data.Count - at, 1 + _rng.Next(Math.Min(64, data.Count))));
                    break;
                }

            case 4:
                {
                    // Repeat a block: long lines, many fields, deep nesting.
                    var at = _rng.Next(data.Count);
                    var block = data.GetRange(at, Math.Min(data.Count - at, 1 + _rng.Next(32)));
                    var times = 1 + _rng.Next(_rng.Next(2) == 0 ? 4 : 512);
                    for (var i = 0; i < times && data.Count < MaxInputBytes; i++)
                    {
                        data.InsertRange(at, block);
                    }

                    break;
                }

            case 5:
                {
                    // Splice: the head of this input, the tail of another.
                    var other = corpus[_rng.Next(corpus.Count)];
                    if (other.Length > 0)
                    {
                        var cut = _rng.Next(data.Count);
                        data.RemoveRange(cut, data.Count - cut);
                        data.AddRange(other.AsSpan(_rng.Next(other.Length)).ToArray());
                    }

                    break;
                }

            case 6:
                {
                    // Overwrite a range with one picked from elsewhere in the input.
                    var from = _rng.Next(data.Count);
                    var to = _rng.Next(data.Count);
                    var length = Math.Min(1 + _rng.Next(16), Math.Min(data.Count - from, data.Count - to));
                    var copy = data.GetRange(from, length);
                    for (var i = 0; i < length; i++)
                    {
                        data[to + i] = copy[i];
                    }

                    break;
                }

            default:
                {
                    var tokens = dictionary.Count > 0 && _rng.Next(2) == 0 ? dictionary : Common;
                    var token = tokens[_rng.Next(tokens.Count)];
                    var at = _rng.Next(data.Count + 1);
                    if (_rng.Next(2) == 0 || at == data.Count)
                    {
                        data.InsertRange(at, token);
                    }
                    else
                    {
                        data.RemoveRange(at, Math.Min(token.Length, data.Count - at));
                        data.InsertRange(at, token);
                    }

                    break;
                }
        }
    }
}
