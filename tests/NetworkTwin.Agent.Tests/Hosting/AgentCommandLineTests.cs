namespace NetworkTwin.Agent.Tests.Hosting;

/// <summary>The agent's own command line, run as the real binary the way a field engineer types it.</summary>
public sealed class AgentCommandLineTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nt-agent-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private Task<(int Exit, string Output)> RunAsync(params string[] args) => RunWithSiteFileAsync(Path.Combine(_dir, "none.json"), args);

    private Task<(int Exit, string Output)> RunWithSiteFileAsync(string siteFile, params string[] args) => NetworkTwin.Testing.ToolProcess.RunAsync(
        "networktwin-agent.dll",
        new Dictionary<string, string?> { ["NETWORKTWIN_CONFIG_FILE"] = siteFile, ["NETWORKTWIN_Agent__DataDirectory"] = Path.Combine(_dir, "state") },
        args);

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task ValidateConfig_SiteFileWithATokenReadableByEveryone_Refused_Exit2()
    {
        var site = Path.Combine(_dir, "agent.json");
        File.WriteAllText(site, """{"Agent":{"Coordinator":{"Address":"http://127.0.0.1:7070","Token":"s3cret-token-of-16"}}}""");
        File.SetUnixFileMode(site, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var (exit, output) = await RunWithSiteFileAsync(site, "--validate-config");
        File.SetUnixFileMode(site, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        var (fixedExit, fixedOutput) = await RunWithSiteFileAsync(site, "--validate-config");

        Assert.Equal(2, exit);
        Assert.Contains($"{site} holds a secret (Agent:Coordinator:Token) and every account on this machine can read it; run 'chmod 640 {site}'", output, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", output, StringComparison.Ordinal);
        Assert.True(fixedExit == 0, fixedOutput);
    }

    [Fact]
    public async Task ValidateConfig_WrongTypesUnknownKeysAndBadValues_AllReportedWithTheirKeys_Exit2()
    {
        // Agent:Window:Seconds=abc is read before the host exists (for the log folder): it must be reported, not thrown.
        var (exit, output) = await RunAsync("--validate-config", "--Mqtt:Port=abc", "--Mqtt:Hots=broker", "--Agent:Window:Secnds=3", "--Agent:Window:Seconds=abc");

        Assert.Equal(2, exit);
        Assert.Contains("4 problem(s)", output, StringComparison.Ordinal);
        Assert.Contains("Agent:Window:Seconds=abc is not a number", output, StringComparison.Ordinal);
        Assert.Contains("Mqtt:Port=abc is not a whole number", output, StringComparison.Ordinal);
        Assert.Contains("Mqtt:Hots is not a setting (did you mean Mqtt:Host?)", output, StringComparison.Ordinal);
        Assert.Contains("Agent:Window:Secnds is not a setting (did you mean Agent:Window:Seconds?)", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateConfig_BadValuesInSeveralSections_AllReportedOnce()
    {
        var (exit, output) = await RunAsync("--validate-config", "--Agent:Window:Seconds=-1", "--Telemetry:OtlpEndpoint=collector:4317");

        Assert.Equal(2, exit);
        Assert.Contains("2 problem(s)", output, StringComparison.Ordinal);
        Assert.Contains("Agent:Window:Seconds must be", output, StringComparison.Ordinal);
        Assert.Contains("Telemetry:OtlpEndpoint must be an http:// or https:// URL", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"Agent:Coordinator:Address":"http://elsewhere:7070"}""", "Agent:Coordinator:Address cannot be set remotely")]
    [InlineData("""{"Agent:Analysis:LossTarget":"7"}""", "LossTarget")]
    [InlineData("""{"Agent:Analysis:LossTarget":""", "not an object of settings to text values")]
    public async Task Start_CoordinatorSettingsFileDamaged_LeftOutWithAWarning_AgentStartsOnItsOwnConfiguration(string file, string reason)
    {
        Directory.CreateDirectory(Path.Combine(_dir, "state"));
        File.WriteAllText(Path.Combine(_dir, "state", "coordinator-settings.json"), file);

        var (exit, output) = await RunAsync("--validate-config");

        Assert.True(exit == 0, output);
        Assert.Contains("The settings the coordinator set earlier were left out", output, StringComparison.Ordinal);
        Assert.Contains(reason, output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--help", "--validate-config")]
    [InlineData("--version", ".")]
    public async Task HelpAndVersion_AnswerWithoutStartingTheAgentOrWritingState(string ask, string expected)
    {
        var (exit, output) = await RunAsync(ask);

        Assert.Equal(0, exit);
        Assert.Contains(expected, output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_dir, "state")), "the agent created its data directory");
    }

    [Fact]
    public async Task MistypedSwitch_RefusedBeforeAnythingStarts_Exit2()
    {
        // The command-line provider would take --valdate-config as a key holding the next argument: the agent would start
        // as a service with its data directory setting swallowed.
        var (exit, output) = await RunAsync("--valdate-config", "--Agent:Site=paris");

        Assert.Equal(2, exit);
        Assert.Contains("argument 1, --valdate-config: not a switch this service knows (did you mean --validate-config?)", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_dir, "state")), "the agent created its data directory");
    }
}
