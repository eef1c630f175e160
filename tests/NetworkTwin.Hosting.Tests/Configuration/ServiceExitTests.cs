namespace NetworkTwin.Hosting.Tests.Configuration;

/// <summary>What a service says when asked what it is, before anything is built or started.</summary>
public sealed class ServiceExitTests
{
    [Fact]
    public void Version_PrintsTheOneVersionAndAnswers()
    {
        using var output = new StringWriter();

        var exit = ServiceExit.AnswerInformationSwitches("networktwin-agent", "the agent.", ["--version"], output);

        Assert.Equal(0, exit);
        Assert.Matches(@"^\d+\.\d+\.\d+", output.ToString());
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("-?")]
    public void Help_NamesTheSwitchesTheConfigurationLayersAndTheExitCodes(string ask)
    {
        using var output = new StringWriter();

        var exit = ServiceExit.AnswerInformationSwitches("networktwin-central", "the coordinator.", ["--Coordinator:Port=7070", ask], output);

        Assert.Equal(0, exit);
        var text = output.ToString();
        Assert.StartsWith("networktwin-central ", text, StringComparison.Ordinal);
        Assert.Contains("--validate-config", text, StringComparison.Ordinal);
        Assert.Contains(ServiceConfiguration.SiteFile("central"), text, StringComparison.Ordinal);
        Assert.Contains("NETWORKTWIN_Section__Key=value", text, StringComparison.Ordinal);
        Assert.Contains("70 a worker failed", text, StringComparison.Ordinal);
    }

    [Fact]
    public void OtherArguments_AreLeftToTheService()
    {
        using var output = new StringWriter();

        Assert.Null(ServiceExit.AnswerInformationSwitches("networktwin-agent", "the agent.", ["--validate-config", "--Agent:Site=x"], output));
        Assert.Empty(output.ToString());
    }
}
