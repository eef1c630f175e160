namespace NetworkTwin.Console.Tests.Design;

public sealed class DesignCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nt-design-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Zoo(string name) => Path.Combine(CliRunner.ReferenceData("topology_zoo"), "graphml", name);

    [Fact]
    public async Task Simulate_Geant2012_ReportsEveryKindAndTheWorstFailures()
    {
        var (exit, output) = await CliRunner.RunAsync("design", "simulate", "--network", Zoo("Geant2012.graphml"), "--json", Path.Combine(_dir, "sim.json"));

        Assert.True(exit == 0, output);
        Assert.Contains("single link", output, StringComparison.Ordinal);
        Assert.Contains("(all)", output, StringComparison.Ordinal);
        Assert.Contains("worst single link failures", output, StringComparison.Ordinal);
        Assert.True(new FileInfo(Path.Combine(_dir, "sim.json")).Length > 1000);
    }

    [Fact]
    public async Task Validate_Kdl_MeasuresTheLargestZooNetworkAndReportsRepairs()
    {
        var (exit, output) = await CliRunner.RunAsync("design", "validate", "--network", Zoo("Kdl.graphml"));

        Assert.True(exit == 0, output);
        Assert.Contains("754 nodes, 895 links", output, StringComparison.Ordinal);
        Assert.Contains("4 parallel edge(s) merged", output, StringComparison.Ordinal);
        Assert.Contains("diameter (hops)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_SndlibToGraphMlAndBack_KeepsNodesLinksAndCapacities()
    {
        var sndlib = Path.Combine(CliRunner.ReferenceData("sndlib"), "abilene", "abilene.txt");
        var graphml = Path.Combine(_dir, "abilene.graphml");

        var (exit, output) = await CliRunner.RunAsync("design", "export", "--network", sndlib, "--out", graphml);
        var (exit2, again) = await CliRunner.RunAsync("design", "validate", "--network", graphml);

        Assert.True(exit == 0 && exit2 == 0, output + again);
        Assert.Contains("12 nodes, 15 links", again, StringComparison.Ordinal);
        Assert.Contains("total capacity", again, StringComparison.Ordinal);
        Assert.DoesNotContain("no usable speed", again, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Simulate_BrokenFile_NamesTheFileAndExitsThree()
    {
        var bad = Path.Combine(_dir, "bad.graphml");
        await File.WriteAllTextAsync(bad, "<graphml><graph><node id=\"a\"/><edge source=\"a\" target=\"zz\"/></graph></graphml>");

        var (exit, output) = await CliRunner.RunAsync("design", "simulate", "--network", bad);

        Assert.Equal(3, exit);
        Assert.Contains("bad.graphml", output, StringComparison.Ordinal);
        Assert.Contains("does not exist", output, StringComparison.Ordinal);
    }
}
