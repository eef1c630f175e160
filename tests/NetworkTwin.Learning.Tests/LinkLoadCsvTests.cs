using NetworkTwin.Learning.Series;

namespace NetworkTwin.Learning.Tests;

public sealed class LinkLoadCsvTests
{
    [Fact]
    public void Read_QuarterHourIsoTimestamps_OneSeriesPerColumnWithTheStepFromTheTimes()
    {
        const string Csv = "timestamp_utc,core-1,core-2\n2024-05-01T00:00:00Z,10,1.5\n2024-05-01T00:15:00Z,12,0\n2024-05-01T00:30:00Z,11,2e1\n";

        var series = LinkLoadCsv.Read(new StringReader(Csv), "loads.csv");

        Assert.Equal(["core-1", "core-2"], series.Select(s => s.Name));
        Assert.All(series, s => Assert.Equal(900, s.StepSeconds));
        Assert.Equal(96, series[0].StepsPerDay);
        Assert.Equal([1.5, 0, 20], series[1].Values);
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 0, 0, 0, TimeSpan.Zero), series[0].Start);
    }

    [Fact]
    public void Read_UnixSecondsAndOneLink_IsAnOddButValidFile()
    {
        var series = LinkLoadCsv.Read(new StringReader("time,uplink\n1714521600,5\n1714521660,6\n"), "one.csv");

        var only = Assert.Single(series);
        Assert.Equal(60, only.StepSeconds);
        Assert.Equal([5.0, 6.0], only.Values);
    }

    [Theory]
    [InlineData("ts,a\n2024-05-01T00:00:00Z,1\n", "loads.csv line 1: expected 'timestamp_utc,LINK,...'")]
    [InlineData("timestamp_utc,a,a\n", "loads.csv line 1 column 3: link 'a' appears twice")]
    [InlineData("timestamp_utc,a\n2024-05-01T00:00:00Z,1\n", "loads.csv: 1 row(s); the step is read from the timestamps")]
    [InlineData("timestamp_utc,a\n2024-05-01T00:00:00Z,1\n2024-05-01T00:05:00Z,1\n2024-05-01T00:15:00Z,1\n", "loads.csv line 4: rows must be evenly spaced (300 s from the first two), found 600 s")]
    [InlineData("timestamp_utc,a\n2024-05-01T00:05:00Z,1\n2024-05-01T00:00:00Z,1\n", "loads.csv line 3: time 2024-05-01T00:00:00Z is not after the previous row's")]
    [InlineData("timestamp_utc,a,b\n2024-05-01T00:00:00Z,1,-2\n", "loads.csv line 2 column 3 (b): '-2' is not a non-negative rate")]
    [InlineData("timestamp_utc,a\n2024-05-01T00:00:00Z,NaN\n", "loads.csv line 2 column 2 (a): 'NaN' is not a non-negative rate")]
    [InlineData("timestamp_utc,a\nyesterday,1\n", "loads.csv line 2: 'yesterday' is not a timestamp")]
    [InlineData("timestamp_utc,a\n-70000000000,1\n", "loads.csv line 2: '-70000000000' is not a timestamp")]
    [InlineData("timestamp_utc,a\n2024-05-01T00:00:00Z,1,2\n", "loads.csv line 2: 3 fields, the header has 2")]
    [InlineData("", "loads.csv: empty file")]
    public void Read_MalformedFile_NamesTheLineAndWhatIsWrong(string csv, string expected)
    {
        var error = Assert.Throws<FormatException>(() => LinkLoadCsv.Read(new StringReader(csv), "loads.csv"));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }
}
