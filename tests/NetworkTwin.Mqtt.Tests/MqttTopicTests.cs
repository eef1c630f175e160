namespace NetworkTwin.Mqtt.Tests;

public class MqttTopicTests
{
    [Theory]
    [InlineData("nt/+/+/throughput", "nt/site/3/throughput", true)]
    [InlineData("nt/+/+/throughput", "nt/site/3/pkt-stats", false)]
    [InlineData("nt/#", "nt/site/3/pkt-stats", true)]
    [InlineData("nt/#", "nt", true)]
    [InlineData("#", "$SYS/broker/uptime", false)]
    [InlineData("+/x", "/x", true)]
    [InlineData("a/+", "a/b/c", false)]
    [InlineData("a/b", "a/b/", false)]
    public void Matches_FollowsTheWildcardRules(string filter, string topic, bool expected)
    {
        Assert.Equal(expected, MqttTopic.Matches(filter, topic));
    }

    [Theory]
    [InlineData("a/#/b")]
    [InlineData("a/b#")]
    [InlineData("a+/b")]
    [InlineData("")]
    public void ValidateFilter_BadFilter_SaysWhy(string filter)
    {
        Assert.NotNull(MqttTopic.ValidateFilter(filter));
    }
}
