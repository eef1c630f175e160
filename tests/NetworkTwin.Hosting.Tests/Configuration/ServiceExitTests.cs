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

    [Theory]
    [InlineData("--valdate-config", "argument 1, --valdate-config: not a switch this service knows (did you mean --validate-config?)")]
    [InlineData("--verbose", "argument 1, --verbose: not a switch this service knows, nor a --Section:Key=value setting")]
    [InlineData("-Agent:Site=x", "argument 1, -Agent:Site=x: not a switch")]
    [InlineData("site-1", "argument 1, 'site-1': not a switch or a --Section:Key=value setting")]
    public void UnknownArgument_RefusedWithItsPosition_Exit2(string arg, string expected)
    {
        using var error = new StringWriter();

        var exit = ServiceExit.RefuseUnknownArguments("networktwin-agent", [arg, "--Agent:DataDirectory=/srv/nt"], error);

        Assert.Equal(ServiceExit.ConfigurationInvalid, exit);
        var text = error.ToString();
        Assert.StartsWith("networktwin-agent: 1 problem(s) in the command line; nothing was started:", text, StringComparison.Ordinal);
        Assert.Contains(expected, text, StringComparison.Ordinal);
        Assert.Contains("Run 'networktwin-agent --help'", text, StringComparison.Ordinal);
    }

    [Fact]
    public void SettingWithoutItsValue_Refused()
    {
        using var error = new StringWriter();

        Assert.Equal(2, ServiceExit.RefuseUnknownArguments("networktwin-central", ["--validate-config", "--Coordinator:Port"], error));
        Assert.Contains("argument 2, --Coordinator:Port: the setting has no value (write --Coordinator:Port=value)", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void SwitchesAndEverySpellingOfASetting_Accepted()
    {
        using var error = new StringWriter();

        var exit = ServiceExit.RefuseUnknownArguments(
            "networktwin-agent",
            ["--validate-config", "--Agent:Site=paris", "--Mqtt:Host", "broker.example", "/Mqtt:Port=1884", "Agent:Window:Seconds=4", "--Serilog:MinimumLevel:Default", "--verbose-looking-value"],
            error);

        Assert.Null(exit);
        Assert.Empty(error.ToString());
    }
}
