using System.Buffers;
using System.Text;
using NetworkTwin.Analytics.Parsing;

namespace NetworkTwin.Analytics.Tests.Parsing;

public class PktStatsDatParserTests
{
    private const string Real = "<slot> <slotStart> <txPackets> <rxPackets> <tooLateRxPackets>\n1.00315 0 0 0\n1.00365 16 16 0\n1.00465 16 14 0\n1.00515 20 20 3\n";

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(1)]
    [InlineData(7)]
    public void Parse_RealFormatAnySegmentation_ReadsEveryRow(int segment)
    {
        var parser = new PktStatsDatParser(1, "pkt-stats-cell-1.dat");

        var series = ParseAll(parser, Encoding.ASCII.GetBytes(Real), segment);

        Assert.Equal([1.00315, 1.00365, 1.00465, 1.00515], series.TimesSeconds);
        Assert.Equal([0, 16, 16, 20], series.TxPackets);
        Assert.Equal(2, series.LostPackets(2));
        Assert.Equal(3, series.LostPackets(3));
        Assert.Equal(0, parser.MalformedLines);
    }

    [Fact]
    public void Parse_CrlfBlankLinesTrailingSpacesNoFinalNewline_AreAccepted()
    {
        var text = "<slot> <slotStart> <txPackets> <rxPackets> <tooLateRxPackets>\r\n\r\n1.0 4 4 0  \r\n   \r\n\t1.5 8 7 1\t";
        var parser = new PktStatsDatParser(1, "a.dat");

        var series = ParseAll(parser, Encoding.ASCII.GetBytes(text), int.MaxValue);

        Assert.Equal([1.0, 1.5], series.TimesSeconds);
        Assert.Equal(0, parser.MalformedLines);
    }

    [Fact]
    public void Parse_MalformedLines_AreCountedWithLineNumberAndSkipped()
    {
        var text = "1.0 4 4 0\n1.1 four 4 0\n1.2 4 4\n1.3 4 5 0\n1.4 4 4 0\n1.5 2 2 0\n1.6 2 2 0\n";
        var parser = new PktStatsDatParser(1, "pkt-stats-cell-1.dat");

        var series = ParseAll(parser, Encoding.ASCII.GetBytes(text), 3);

        Assert.Equal([1.0, 1.4, 1.5, 1.6], series.TimesSeconds);
        Assert.Equal(3, parser.MalformedLines);
        Assert.Equal([2L, 3L, 4L], parser.MalformedSamples.Select(m => m.LineNumber));
        Assert.Contains("txPackets", parser.MalformedSamples[0].Reason, StringComparison.Ordinal);
        Assert.Contains("expected 4 fields", parser.MalformedSamples[1].Reason, StringComparison.Ordinal);
        Assert.Contains("exceeds txPackets", parser.MalformedSamples[2].Reason, StringComparison.Ordinal);
        Assert.StartsWith("pkt-stats-cell-1.dat:2: ", parser.MalformedSamples[0].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Complete_MostlyGarbage_IsRejectedNamingTheFile()
    {
        var text = "1.0 4 4 0\nhello\nworld\n";
        var parser = new PktStatsDatParser(1, "x.dat");

        var error = Assert.Throws<InvalidDataException>(() => ParseAll(parser, Encoding.ASCII.GetBytes(text), int.MaxValue));

        Assert.Contains("x.dat", error.Message, StringComparison.Ordinal);
        Assert.Contains("2 of 3 lines are malformed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_LineLongerThanLimit_IsReportedWithoutBufferingIt()
    {
        var text = "1.0 4 4 0\n" + new string('9', 100_000) + "\n2.0 4 4 0\n";
        var parser = new PktStatsDatParser(1, "long.dat", maxLineBytes: 64);

        var series = ParseAll(parser, Encoding.ASCII.GetBytes(text), 1000);

        Assert.Equal([1.0, 2.0], series.TimesSeconds);
        Assert.Equal(1, parser.MalformedLines);
        Assert.Contains("longer than 64 bytes", parser.MalformedSamples[0].Reason, StringComparison.Ordinal);
        Assert.Equal(2, parser.MalformedSamples[0].LineNumber);
    }

    [Fact]
    public void Parse_RandomBytes_NeverThrowsAnythingButInvalidData()
    {
        var random = new Random(42);
        for (var round = 0; round < 200; round++)
        {
            var bytes = new byte[random.Next(0, 3000)];
            random.NextBytes(bytes);
            if (round % 2 == 0)
            {
                // Mostly valid text with damage, the hard case for a parser.
                bytes = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 200).Select(i => $"{i}.5 {i} {i} 0\n")));
                for (var k = 0; k < 30; k++)
                {
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                }
            }

            var parser = new PktStatsDatParser(1, "fuzz.dat", maxLineBytes: 128);
            try
            {
                ParseAll(parser, bytes, random.Next(1, 50));
            }
            catch (InvalidDataException)
            {
            }
        }
    }

    [Fact]
    public void ToSeries_ManyFilesInTurn_EachGetsItsOwnRowsFromReusedStorage()
    {
        // More rows than one storage block, so blocks go back to the pool and the next file reuses them.
        for (var file = 1; file <= 3; file++)
        {
            var text = string.Concat(Enumerable.Range(0, 20_000).Select(i => $"{file}.{i:D5} {file} {file} 0\n"));
            var parser = new PktStatsDatParser(file, $"pkt-stats-cell-{file}.dat");

            var series = ParseAll(parser, Encoding.ASCII.GetBytes(text), int.MaxValue);

            Assert.Equal(20_000, series.Count);
            Assert.All(series.TxPackets, tx => Assert.Equal(file, tx));
            Assert.Equal(file + 0.19999, series.TimesSeconds[^1], 9);
            Assert.Same(series, parser.ToSeries());
        }
    }

    [Fact]
    public void Parse_AfterTheSeriesWasTaken_IsRefused()
    {
        var parser = new PktStatsDatParser(1, "pkt-stats-cell-1.dat");
        ParseAll(parser, Encoding.ASCII.GetBytes("1.0 4 4 0\n"), int.MaxValue);
        var more = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes("2.0 4 4 0\n"));

        var error = Assert.Throws<InvalidOperationException>(() => parser.Parse(ref more, isFinalBlock: true));

        Assert.Contains("already taken", error.Message, StringComparison.Ordinal);
    }

    internal static NetworkTwin.Analytics.Fronthaul.PacketStatsSeries ParseAll(PktStatsDatParser parser, byte[] bytes, int segment)
    {
        var sequence = Segments.Split(bytes, segment);

        // Feed it the way a pipe does: growing prefixes, remainder kept.
        var consumedTo = 0L;
        for (var end = Math.Min(bytes.Length, 5); ; end = Math.Min(bytes.Length, end * 2))
        {
            var window = sequence.Slice(consumedTo, end - consumedTo);
            var before = window.Length;
            parser.Parse(ref window, end == bytes.Length);
            consumedTo += before - window.Length;
            if (end == bytes.Length)
            {
                break;
            }
        }

        parser.Complete();
        return parser.ToSeries();
    }
}
