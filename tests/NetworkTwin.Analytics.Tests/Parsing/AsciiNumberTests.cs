using System.Globalization;
using System.Text;
using NetworkTwin.Analytics.Parsing;

namespace NetworkTwin.Analytics.Tests.Parsing;

public class AsciiNumberTests
{
    [Theory]
    [InlineData("0")]
    [InlineData("1.00315")]
    [InlineData("676.933")]
    [InlineData("-2.5")]
    [InlineData("60.0997")]
    [InlineData("1.01003571")]
    [InlineData("123456789012345678901234")]
    [InlineData("1e-3")]
    [InlineData("0.1000000000000000055511151231257827")]
    public void TryParseDouble_Numbers_MatchTheFrameworkParserExactly(string text)
    {
        Assert.True(AsciiNumber.TryParseDouble(Encoding.ASCII.GetBytes(text), out var value));

        Assert.Equal(double.Parse(text, CultureInfo.InvariantCulture), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-")]
    [InlineData(".")]
    [InlineData("1.2.3")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("1e999")]
    [InlineData("12a")]
    public void TryParseDouble_NotAFiniteNumber_IsRejected(string text)
    {
        Assert.False(AsciiNumber.TryParseDouble(Encoding.ASCII.GetBytes(text), out _));
    }

    [Fact]
    public void TryParseDouble_RandomDecimals_RoundTrip()
    {
        var random = new Random(1);
        for (var i = 0; i < 10_000; i++)
        {
            var text = (random.NextDouble() * Math.Pow(10, random.Next(-3, 8))).ToString("F" + random.Next(0, 9), CultureInfo.InvariantCulture);

            Assert.True(AsciiNumber.TryParseDouble(Encoding.ASCII.GetBytes(text), out var value));
            Assert.Equal(double.Parse(text, CultureInfo.InvariantCulture), value);
        }
    }
}
