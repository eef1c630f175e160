using System.Buffers;
using System.Text;
using NetworkTwin.Analytics.Parsing;
using NetworkTwin.Contracts.Telemetry;

namespace NetworkTwin.Analytics.Tests.Parsing;

/// <summary>
/// The block fast path must read exactly what the line-at-a-time path reads: the same rows, the same malformed lines
/// with the same numbers and reasons, the same verdict. One buffer goes through the block path; the same bytes cut into
/// one-byte segments never give it a whole line, so every line goes the careful way.
/// </summary>
public class BlockPathTests
{
    /// <summary>Lines of every shape the two paths must agree on: common rows, odd but valid ones, and malformed ones.</summary>
    private static readonly string[] PktStatsLines =
    [
        "1.00315 0 0 0", "1.00365 16 16 0", "12.5 316 316 0", "3 20 18 2", "1. 4 4 0", ".5 4 4 0", "0.000000000000001 1 1 1",
        "123456789012345 1 1 0", "1.2345678901234567 1 1 0", "1.0 999999999 999999999 0", "1.0 1000000000 1 0",
        "1.0 4 4 0\r", "  1.0 4 4 0", "1.0  4 4 0", "1.0\t4\t4\t0", "1.0 4 4 0 ", "1.0 4 4 0\t", "-1.0 4 4 0", "+1.0 4 4 0",
        "1e-3 4 4 0", "1.0 4 5 0", "1.0 4 4 5", "1.0 4 2 3", "1.0 4 4", "1.0 4 4 0 0", "1..0 4 4 0", "1.0.0 4 4 0", "nan 1 1 0",
        "1.0 -4 4 0", "1.0 4a 4 0", "<slot> <slotStart> <txPackets> <rxPackets> <tooLateRxPackets>", string.Empty, " ", "\r",
    ];

    private static readonly string[] ThroughputLines =
    [
        "1.00003571 676.933", "1.01 0", "1.01007143 5", "1.0101 12345678.12345", "1.0102 1", "1.0103 1e3", "1.0104 -5",
        "1.0105 5\r", "1.0106  5", " 1.0107 5", "1.0108\t5", "1.0109 5 6", "1.011", "1.0111 .5", "1.0112 5.", "x 5",
        "1.0113 99999999999999", "1.0114 1000000000001", "2000000000 1", "900000 1", "time kbit", string.Empty,
    ];

    [Fact]
    public void PktStats_RandomMixesOfLines_BlockPathReadsWhatTheLinePathReads()
    {
        var random = new Random(11);
        for (var round = 0; round < 300; round++)
        {
            var bytes = Mix(random, PktStatsLines, PktStatsRowLine);
            var block = Outcome(new PktStatsDatParser(1, "p.dat", maxLineBytes: 40), bytes, int.MaxValue, p => Rows(p.ToSeries()));
            var lines = Outcome(new PktStatsDatParser(1, "p.dat", maxLineBytes: 40), bytes, 1, p => Rows(p.ToSeries()));

            Assert.Equal(lines, block);
        }
    }

    [Fact]
    public void Throughput_RandomMixesOfLines_BlockPathReadsWhatTheLinePathReads()
    {
        var random = new Random(12);
        for (var round = 0; round < 300; round++)
        {
            var bytes = Mix(random, ThroughputLines, ThroughputRowLine);
            var block = Outcome(new ThroughputDatParser(1, "t.dat", maxSpanSeconds: 60), bytes, int.MaxValue, p => Grid(p.ToGrid()));
            var lines = Outcome(new ThroughputDatParser(1, "t.dat", maxSpanSeconds: 60), bytes, 1, p => Grid(p.ToGrid()));

            Assert.Equal(lines, block);
        }
    }

    [Theory]
    [InlineData(TelemetryKind.PacketStats)]
    [InlineData(TelemetryKind.Throughput)]
    public void LiveRows_RandomMixesOfLines_BlockPathHandsTheSinkWhatTheLinePathDoes(TelemetryKind kind)
    {
        var random = new Random(13);
        for (var round = 0; round < 200; round++)
        {
            var bytes = kind == TelemetryKind.PacketStats ? Mix(random, PktStatsLines, PktStatsRowLine) : Mix(random, ThroughputLines, ThroughputRowLine);
            var blockSink = new RecordingSink();
            var lineSink = new RecordingSink();
            var block = Outcome(new LiveRowParser(kind, "live", blockSink), bytes, int.MaxValue, _ => string.Empty);
            var lines = Outcome(new LiveRowParser(kind, "live", lineSink), bytes, 1, _ => string.Empty);

            Assert.Equal(lines, block);
            Assert.Equal(lineSink.Rows, blockSink.Rows);
        }
    }

    [Fact]
    public void PktStats_OneLongBlockOfRows_IsReadWholeByTheBlockPath()
    {
        var text = "<slot> <slotStart> <txPackets> <rxPackets> <tooLateRxPackets>\n" + string.Concat(Enumerable.Range(0, 5000).Select(i => $"{1 + (i * 0.0005):0.#####} {i % 400} {i % 400} 0\n"));
        var parser = new PktStatsDatParser(1, "p.dat");
        var sequence = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(text));

        parser.Parse(ref sequence, isFinalBlock: true);
        var series = parser.ToSeries();

        Assert.Equal(5000, series.Count);
        Assert.Equal(5001, parser.LinesRead);
        Assert.Equal(0, parser.MalformedLines);
        Assert.Equal(1 + (4999 * 0.0005), series.TimesSeconds[^1], 12);
        Assert.Equal(4999 % 400, series.TxPackets[^1]);
    }

    [Fact]
    public void PlainNumber_EightBytesAtATime_GivesTheScalarAnswerForEveryField()
    {
        var random = new Random(14);
        const string Alphabet = "0123456789012345678901234567890123456789...:/ae-+\r\t";
        for (var i = 0; i < 200_000; i++)
        {
            var length = random.Next(0, 19);
            var field = new byte[length];
            for (var k = 0; k < length; k++)
            {
                field[k] = (byte)Alphabet[random.Next(Alphabet.Length)];
            }

            // The field inside a line, with bytes after it that the eight-byte reads see and must ignore.
            var text = new byte[length + 8 + random.Next(0, 4)];
            field.CopyTo(text, 0);
            random.NextBytes(text.AsSpan(length));

            var scalar = PlainNumber.TryDecimal(field, out var expected);
            var swar = PlainNumber.TryDecimal(text, 0, length, out var actual);
            Assert.True(scalar == swar, $"TryDecimal \"{Encoding.ASCII.GetString(field)}\": scalar {scalar}, eight at a time {swar}");
            Assert.Equal(expected, actual);

            var scalarInt = PlainNumber.TryInt(field, out var expectedInt);
            var swarInt = PlainNumber.TryInt(text, 0, length, out var actualInt);
            Assert.True(scalarInt == swarInt, $"TryInt \"{Encoding.ASCII.GetString(field)}\": scalar {scalarInt}, eight at a time {swarInt}");
            Assert.Equal(expectedInt, actualInt);
        }
    }

    [Theory]
    [InlineData("0.00012345", 0.00012345)]
    [InlineData("12345678.12345678", double.NaN)]
    [InlineData("99999999.9999999", 99999999.9999999)]
    [InlineData("1.", 1.0)]
    [InlineData(".5", 0.5)]
    [InlineData("676.933", 676.933)]
    public void PlainNumber_EdgeFields_ReadAsTheirDecimalValue(string field, double expected)
    {
        var text = Encoding.ASCII.GetBytes(field + " 12345678");

        var ok = PlainNumber.TryDecimal(text, 0, field.Length, out var value);

        // 16 digits do not fit a double exactly: the fast path refuses them and the careful one reads them.
        Assert.Equal(!double.IsNaN(expected), ok);
        if (ok)
        {
            Assert.Equal(expected, value);
        }
    }

    private static string PktStatsRowLine(Random random) => $"{random.Next(0, 100)}.{random.Next(0, 100_000):D5} {random.Next(0, 400)} {random.Next(0, 10)} {random.Next(0, 4)}";

    private static string ThroughputRowLine(Random random) => $"1.{random.Next(0, 1_000_000):D6} {random.Next(0, 100_000)}.{random.Next(0, 1000)}";

    /// <summary>Mostly common rows, with odd and malformed lines among them, LF or CRLF, sometimes without a final newline.</summary>
    private static byte[] Mix(Random random, string[] odd, Func<Random, string> row)
    {
        var sb = new StringBuilder();
        var count = random.Next(1, 120);
        for (var i = 0; i < count; i++)
        {
            sb.Append(random.Next(4) == 0 ? odd[random.Next(odd.Length)] : row(random));
            sb.Append(random.Next(10) == 0 ? "\r\n" : "\n");
        }

        if (random.Next(3) == 0)
        {
            sb.Length -= 1;
        }

        return Encoding.ASCII.GetBytes(sb.ToString());
    }

    /// <summary>Everything a reader of the parser sees: rows (via <paramref name="rows"/>), counts, malformed lines and the verdict.</summary>
    private static string Outcome<TParser>(TParser parser, byte[] bytes, int segment, Func<TParser, string> rows)
        where TParser : TelemetryTextParser
    {
        var sequence = Segments.Split(bytes, segment);
        string verdict;
        try
        {
            parser.Parse(ref sequence, isFinalBlock: true);
            parser.Complete();
            verdict = "complete " + rows(parser);
        }
        catch (InvalidDataException ex)
        {
            verdict = "rejected: " + ex.Message;
        }

        var malformed = string.Join("; ", parser.MalformedSamples.Select(m => m.ToString()));
        return $"{verdict} | lines {parser.LinesRead}, rows {parser.RowsAccepted}, malformed {parser.MalformedLines}: {malformed}";
    }

    private static string Rows(NetworkTwin.Analytics.Fronthaul.PacketStatsSeries s) =>
        string.Join(",", Enumerable.Range(0, s.Count).Select(i => $"{s.TimesSeconds[i]:R}/{s.TxPackets[i]}/{s.RxPackets[i]}/{s.TooLatePackets[i]}"));

    private static string Grid(NetworkTwin.Analytics.Fronthaul.SymbolGrid g) =>
        $"{g.FirstSymbol} {g.RowsRead} {g.MergedRows} " + string.Join(",", g.Kbit.Select(k => k.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));

    private sealed class RecordingSink : ITelemetryRowSink
    {
        public List<string> Rows { get; } = [];

        public void Throughput(double timeSeconds, double kbit) => Rows.Add($"t {timeSeconds:R} {kbit:R}");

        public void PacketStats(double timeSeconds, int txPackets, int rxPackets, int tooLatePackets) =>
            Rows.Add($"p {timeSeconds:R} {txPackets} {rxPackets} {tooLatePackets}");
    }
}
