using Microsoft.Data.Sqlite;

namespace NetworkTwin.Console.Tests.Design;

public sealed class IntentCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nt-intent-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private string History => Path.Combine(_dir, "history.db");

    private static string Example(string name) => Path.Combine(AppContext.BaseDirectory, "Design", "Intents", name);

    private long Rows(string operation)
    {
        using var connection = new SqliteConnection($"Data Source={History};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM design_runs WHERE operation = $op";
        command.Parameters.AddWithValue("$op", operation);
        return (long)command.ExecuteScalar()!;
    }

    [Fact]
    public async Task Recommend_Twice_RanksWithRationaleAndTheSecondRunUsesTheFirstRunsOutcomes()
    {
        var (exit, first) = await CliRunner.RunAsync("design", "recommend", "--intent", Example("metro-8.yaml"), "--history", History);
        var (exit2, second) = await CliRunner.RunAsync("design", "recommend", "--intent", Example("metro-8.yaml"), "--history", History);

        Assert.True(exit == 0 && exit2 == 0, first + second);
        Assert.Contains("Best overall for a cost-first intent", first, StringComparison.Ordinal);
        Assert.Contains("trade-offs:", first, StringComparison.Ordinal);
        Assert.Contains("No similar intent recorded yet", first, StringComparison.Ordinal);
        Assert.Contains("7 recorded outcome(s) of similar intents", second, StringComparison.Ordinal);
        Assert.Equal(14, Rows("recommend"));
    }

    [Fact]
    public async Task GenerateAndOptimize_WriteDesignsAndTheAuditTrail()
    {
        var design = Path.Combine(_dir, "ring.graphml");

        var (exit, generated) = await CliRunner.RunAsync("design", "generate", "--intent", Example("metro-8.yaml"), "--pattern", "Ring", "--out", design, "--history", History);
        var (exit2, optimized) = await CliRunner.RunAsync("design", "optimize", "--intent", Example("metro-8.yaml"), "--pattern", "FullMesh", "--max-trials", "6", "--history", History);
        var (exit3, simulated) = await CliRunner.RunAsync("design", "simulate", "--network", design, "--history", History);

        Assert.True(exit == 0 && exit2 == 0 && exit3 == 0, generated + optimized + simulated);
        Assert.Contains("survivability", generated, StringComparison.Ordinal);
        Assert.Contains("audit trail", optimized, StringComparison.Ordinal);
        Assert.Contains("kept", optimized, StringComparison.Ordinal);
        Assert.Equal((1, 1, 1), (Rows("generate"), Rows("optimize"), Rows("simulate")));
    }

    [Theory]
    [InlineData("name: x\nredundancy: sometimes\n", "line 2")]
    [InlineData("name: x\nsiteModel: { count: 1, regions: 3 }\n", "siteModel.count: must be 2..2000")]
    [InlineData("name: x\nsites:\n  - { id: a, lat: 100, lon: 0 }\n  - { id: b, lat: 0, lon: 0 }\n", "sites[0].lat: must be -90..90")]
    public async Task Recommend_BadIntent_NamesTheFieldOrLine(string yaml, string expected)
    {
        var path = Path.Combine(_dir, "bad.yaml");
        await File.WriteAllTextAsync(path, yaml);

        var (exit, output) = await CliRunner.RunAsync("design", "recommend", "--intent", path, "--history", History);

        Assert.Equal(3, exit);
        Assert.Contains(expected, output, StringComparison.Ordinal);
    }
}
