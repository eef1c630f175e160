using NetworkTwin.Analytics.Statistics;

namespace NetworkTwin.Analytics.Tests.Statistics;

public class QuantileTests
{
    public static TheoryData<string> Shapes => ["random", "sorted", "reversed", "few distinct", "all equal", "v-shaped", "one"];

    [Theory]
    [MemberData(nameof(Shapes))]
    public void NthElement_AnyShape_IsWhatASortPutsAtK(string shape)
    {
        var random = new Random(shape.Length);
        var values = shape switch
        {
            "random" => Enumerable.Range(0, 1203).Select(_ => random.NextDouble() - 0.3).ToArray(),
            "sorted" => Enumerable.Range(0, 1000).Select(i => i * 0.5).ToArray(),
            "reversed" => Enumerable.Range(0, 1000).Select(i => -i * 0.5).ToArray(),
            "few distinct" => Enumerable.Range(0, 5000).Select(_ => (double)random.Next(3)).ToArray(),
            "all equal" => Enumerable.Repeat(2.5, 777).ToArray(),
            "v-shaped" => Enumerable.Range(0, 1203).Select(i => Math.Abs(i - 601) * 1e-4).ToArray(),
            _ => [42.0],
        };
        var sorted = values.Order().ToArray();

        foreach (var k in new[] { 0, values.Length / 10, values.Length / 2, values.Length - 1 })
        {
            var scratch = values.ToArray();
            Assert.Equal(sorted[k], Quantile.NthElement(scratch, k));
            Assert.Equal(sorted[k], scratch[k]);
            Assert.Equal(sorted, scratch.Order());
        }
    }

    [Fact]
    public void Select_NearestRank_SmallestValueWithAtLeastQAtOrBelow()
    {
        double[] values = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];

        Assert.Equal(9, Quantile.Select(values.ToArray(), 0.9));
        Assert.Equal(5, Quantile.Select(values.ToArray(), 0.5));
        Assert.Equal(1, Quantile.Select(values.ToArray(), 0));
        Assert.Equal(0, Quantile.Select([], 0.5));
    }
}
