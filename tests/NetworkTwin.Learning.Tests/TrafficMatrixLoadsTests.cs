using NetworkTwin.Analytics.Graphs;
using NetworkTwin.Learning.Series;

namespace NetworkTwin.Learning.Tests;

public sealed class TrafficMatrixLoadsTests
{
    // A - B - C in a line.
    private static readonly Network Line = new("line", [new("A", "A"), new("B", "B"), new("C", "C")], [new(0, 1), new(1, 2)], []);

    [Fact]
    public void Demands_are_routed_onto_every_link_they_cross_in_each_direction()
    {
        var csv = "timestamp_utc,A->C,C->B,B->A\n2004-03-01T00:00:00Z,10,3,1\n2004-03-01T00:05:00Z,20,0,0\n";
        var series = TrafficMatrixLoads.Route(Line, new StringReader(csv), "tm.csv");

        Assert.Equal(["A->B", "B->A", "B->C", "C->B"], series.Select(s => s.Name));
        Assert.Equal([10.0, 20.0], series[0].Values);   // A->C crosses A->B
        Assert.Equal([1.0, 0.0], series[1].Values);     // B->A
        Assert.Equal([10.0, 20.0], series[2].Values);   // and B->C
        Assert.Equal([3.0, 0.0], series[3].Values);     // C->B
        Assert.Equal(300, series[0].StepSeconds);
    }

    [Theory]
    [InlineData("timestamp_utc,A->X\n2004-03-01T00:00:00Z,1\n", "line 1 column 2")]
    [InlineData("timestamp_utc,A->C\n2004-03-01T00:00:00Z,-1\n2004-03-01T00:05:00Z,1\n", "line 2 column 2")]
    [InlineData("timestamp_utc,A->C\nyesterday,1\n", "line 2: 'yesterday'")]
    [InlineData("timestamp_utc,A->C\n2004-03-01T00:00:00Z,1\n2004-03-01T00:05:00Z,1\n2004-03-01T00:15:00Z,1\n", "evenly spaced")]
    public void Malformed_matrices_name_the_line_and_column(string csv, string expected)
    {
        var e = Assert.Throws<FormatException>(() => TrafficMatrixLoads.Route(Line, new StringReader(csv), "tm.csv"));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }
}
