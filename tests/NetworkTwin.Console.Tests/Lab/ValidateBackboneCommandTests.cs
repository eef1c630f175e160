using System.Text.Json;

namespace NetworkTwin.Console.Tests.Lab;

/// <summary>
/// A backbone what-if against ns-3 (Debian's libns3-dev; the program is built by ./build.sh test) on the real Abilene
/// network and traffic: ns-3 routes packets over the twin's own ECMP next hops, so where nothing overflows each
/// direction's utilisation must agree, and where a link is overloaded both must drop what is above its capacity.
/// </summary>
public sealed class ValidateBackboneCommandTests : IDisposable
{
    // Utilisation within half a point on every loaded direction; the overloaded direction's loss within a point.
    private const double UtilisationBound = 0.005;
    private const double LossBound = 0.01;

    private readonly string _out = Directory.CreateTempSubdirectory("nt-ns3bb-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    private static string Abilene => Path.Combine(CliRunner.ReferenceData("sndlib"), "abilene", "abilene.txt");

    private static string Traffic => Path.Combine(CliRunner.ReferenceData("traffic"), "abilene_tm_5min_20040301_20040314.csv");

    private async Task<List<JsonElement>> Directions(params string[] extra)
    {
        var json = Path.Combine(_out, $"bb-{Guid.NewGuid():N}.json");
        var (exit, output) = await CliRunner.RunAsync(["lab", "validate", "backbone", "--network", Abilene, "--traffic", Traffic, "--day", "8", "--seconds", "0.3", "--json", json, .. extra]);
        Assert.True(exit == 0, output);
        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        return [.. document.RootElement.GetProperty("directions").EnumerateArray().Select(e => e.Clone())];
    }

    [Fact]
    public async Task ValidateBackbone_WorstLinkFailure_Ns3CarriesEachDirectionAsTheTwinRoutesIt()
    {
        var directions = await Directions();

        Assert.Equal(28, directions.Count); // 15 links, one failed, both directions
        foreach (var d in directions.Where(d => d.GetProperty("twinUtilisation").GetDouble() > 0.01))
        {
            var twin = d.GetProperty("twinUtilisation").GetDouble();
            var ns3 = d.GetProperty("ns3Utilisation").GetDouble();
            Assert.True(Math.Abs(twin - ns3) <= UtilisationBound, $"{d.GetProperty("link")}: twin {twin:P2}, ns-3 {ns3:P2}");
            Assert.Equal(0, d.GetProperty("ns3Loss").GetDouble());
        }
    }

    [Fact]
    public async Task ValidateBackbone_OverloadedLink_BothDropWhatIsAboveItsCapacity()
    {
        // A queue holds what it absorbs before it overflows: over 0.3 s a 5 ms queue would take 1.2 points off the loss,
        // a 1 ms one 0.25 (the twin's what-if has no buffer: minutes of overload are not absorbed).
        var directions = await Directions("--growth", "4", "--failure", "NYCMng-WASHng", "--buffer-ms", "1");

        var overloaded = directions.Single(d => d.GetProperty("twinUtilisation").GetDouble() > 1);
        var twinLoss = overloaded.GetProperty("twinLoss").GetDouble();
        var ns3Loss = overloaded.GetProperty("ns3Loss").GetDouble();
        Assert.Equal("ATLAng->IPLSng", overloaded.GetProperty("link").GetString());
        Assert.True(twinLoss > 0.2 && Math.Abs(twinLoss - ns3Loss) <= LossBound, $"twin {twinLoss:P2}, ns-3 {ns3Loss:P2}");
        Assert.True(overloaded.GetProperty("ns3Utilisation").GetDouble() is > 0.99 and <= 1.0);
    }

    [Fact]
    public async Task ValidateBackbone_FailureOfALinkThatDoesNotExist_IsAUsageErrorNamingTheWayToWriteOne()
    {
        var (exit, output) = await CliRunner.RunAsync("lab", "validate", "backbone", "--network", Abilene, "--traffic", Traffic, "--failure", "NOWHERE-ATLAng");

        Assert.Equal(2, exit);
        Assert.Contains("--failure: no site 'NOWHERE'", output, StringComparison.Ordinal);
    }
}
