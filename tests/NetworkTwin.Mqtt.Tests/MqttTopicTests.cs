namespace NetworkTwin.Mqtt.Tests;

public class MqttTopicTests
{
    [Theory]
    [InlineData("a/#/b")]
    [InlineData("a/b#")]
    [InlineData("a+/b")]
    [InlineData("")]
    [InlineData("a\0b")]
    public void ValidateFilter_BadFilter_SaysWhy(string filter)
    {
        Assert.NotNull(MqttTopic.ValidateFilter(filter));
    }
}
