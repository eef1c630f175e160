using NetworkTwin.Agent.Configuration;

namespace NetworkTwin.Agent.Tests.Configuration;

public class AgentOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Pass()
    {
        var result = new AgentOptionsValidator().Validate(null, new AgentOptions());

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_SeveralCoordinatorAddresses_EachIsChecked_TheBadOneNamed()
    {
        var good = new AgentOptions();
        good.Coordinator.Address = "http://10.0.0.5:7070, https://central-b.example:7070";
        var bad = new AgentOptions();
        bad.Coordinator.Address = "http://10.0.0.5:7070,central-b:7070";

        Assert.True(new AgentOptionsValidator().Validate(null, good).Succeeded);
        Assert.Equal(["http://10.0.0.5:7070", "https://central-b.example:7070"], good.Coordinator.Addresses);
        var failure = Assert.Single(new AgentOptionsValidator().Validate(null, bad).Failures!);
        Assert.Equal("Agent:Coordinator:Address must be an http:// or https:// URL, or several separated by commas (got \"central-b:7070\" in \"http://10.0.0.5:7070,central-b:7070\").", failure);
    }

    [Fact]
    public void Validate_BadValues_EachFailureNamesItsKey()
    {
        var options = new AgentOptions { Site = "bad site" };
        options.Window.Seconds = 0;
        options.Analysis.DeclaredLinks = 2;
        options.Analysis.Pins["1"] = 3;
        options.Analysis.LossTarget = 2;
        options.Ingest.Topics = ["nt/#/x"];
        options.Ingest.TailDirectory = "/no/such/folder";
        options.Logging.ConsoleLevel = "Loud";
        options.Actuator.HookScript = "/no/such/hook.sh";
        options.Actuator.EffectWindows = 0;
        options.Actuator.Installed["x"] = 1;
        options.Actuator.Installed["2"] = -1;

        var failures = new AgentOptionsValidator().Validate(null, options).Failures!.ToList();

        Assert.Contains(failures, f => f.StartsWith("Agent:Site", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Agent:Window:Seconds must be 1..120", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Agent:Analysis:Pins:1 must be a link id 1..2", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("LossTarget must be", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Agent:Ingest:Topics", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Agent:Ingest:TailDirectory", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Agent:Logging:ConsoleLevel", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Agent:Actuator:HookScript \"/no/such/hook.sh\" does not exist", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Agent:Actuator:EffectWindows must be 1..1000", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Agent:Actuator:Installed:x: the key must be a link id", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Agent:Actuator:Installed:2 must be a capacity", StringComparison.Ordinal));
    }
}
