using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using NetworkTwin.Central.Service;
using NetworkTwin.Testing;
using NetworkTwin.Testing.Launchers;

namespace NetworkTwin.Console.Tests.Design;

/// <summary>
/// <c>networktwin design ...</c> with a coordinator: the runs happen there and land in its shared history; choices,
/// outcomes, the history and the learning report are read back; a local history file is imported once.
/// </summary>
public sealed class DesignAtCoordinatorTests : IAsyncLifetime
{
    private const string Token = "ops-secret-0123456789";
    private readonly string _dir = Directory.CreateTempSubdirectory("nt-design-coord-").FullName;
    private WebApplication _coordinator = null!;
    private string _address = string.Empty;

    public async Task InitializeAsync()
    {
        var port = LoopbackPort.Free();
        _address = $"http://127.0.0.1:{port}";
        _coordinator = CoordinatorHost.Build([], c => c.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Coordinator:Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["Coordinator:Metrics:Port"] = "0",
            ["Coordinator:DataDirectory"] = _dir,
            ["Coordinator:OperatorTokens:noc"] = Token,
            ["Coordinator:Control:EverySeconds"] = "0",
            ["Coordinator:Learning:EveryMinutes"] = "0",
            ["Logging:LogLevel:Default"] = "Warning",
        }));
        await _coordinator.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _coordinator.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private static string Example(string name) => Path.Combine(AppContext.BaseDirectory, "Design", "Intents", name);

    private Task<(int Exit, string Output)> AtCoordinator(params string[] args) => CliRunner.RunAsync([.. args, "--coordinator", _address, "--token", Token]);

    /// <summary>The record ids in the last column of design recommend's table, best first.</summary>
    private static long[] RecordIds(string output) =>
        [.. output.Split('\n').Where(l => l.StartsWith("│ ", StringComparison.Ordinal) && char.IsAsciiDigit(l[2]))
            .Select(l => long.Parse(l.Split('│', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)[^1], CultureInfo.InvariantCulture))];

    [Fact]
    public async Task RecommendChooseAndOutcome_AtTheCoordinator_ShowInTheHistoryAndTheReport()
    {
        var (exit, recommended) = await AtCoordinator("design", "recommend", "--intent", Example("metro-8.yaml"));
        var ids = RecordIds(recommended);
        var (chooseExit, chosen) = await AtCoordinator("design", "choose", ids[1].ToString(CultureInfo.InvariantCulture), "--note", "the hubs are already leased");
        var (outcomeExit, outcome) = await AtCoordinator("design", "outcome", ids[1].ToString(CultureInfo.InvariantCulture), "--not-met", "--cost", "1200000");
        var (historyExit, history) = await AtCoordinator("design", "history", "--pattern", "DualHub");
        var (reportExit, report) = await AtCoordinator("design", "report");
        var (jsonExit, json) = await AtCoordinator("design", "history", "--limit", "3", "-o", "json");

        Assert.True(exit == 0, recommended);
        Assert.Contains($"the history at {_address}", recommended, StringComparison.Ordinal);
        Assert.Equal(7, ids.Length);
        Assert.True(chooseExit == 0, chosen);
        Assert.Contains("chose option 2 (DualHub)", chosen, StringComparison.Ordinal);
        Assert.True(outcomeExit == 0, outcome);
        Assert.Contains("did not meet the intent; cost 1,200,000 against 857,212 expected", outcome, StringComparison.Ordinal);
        Assert.True(historyExit == 0, history);
        Assert.Contains("DualHub #2", history, StringComparison.Ordinal);
        Assert.Contains("by noc", history, StringComparison.Ordinal);
        Assert.Contains("missed (noc)", history, StringComparison.Ordinal);
        Assert.True(reportExit == 0, report);
        Assert.Contains("1 recommendation run(s), 1 with an option chosen, the first followed 0 time(s) (0%), mean rank chosen 2.0", report, StringComparison.Ordinal);
        Assert.Contains("1 outcome(s) reported, 0 met the intent; actual cost 1.40 x expected", report, StringComparison.Ordinal);
        Assert.Contains("mean score by pattern", report, StringComparison.Ordinal);
        Assert.True(jsonExit == 0, json);
        using var document = System.Text.Json.JsonDocument.Parse(json);
        Assert.Equal(3, document.RootElement.GetProperty("records").GetArrayLength());
    }

    [Fact]
    public async Task OutputJson_IsTheReplyAlone_AtTheCoordinatorAndHere()
    {
        var abilene = Path.Combine(CliRunner.ReferenceData("topology_zoo"), "graphml", "Abilene.graphml");

        var (exit, remote) = await AtCoordinator("design", "validate", "--network", abilene, "-o", "json");
        var (localExit, local) = await CliRunner.RunAsync("design", "generate", "--intent", Example("metro-8.yaml"), "--pattern", "Ring", "--history", Path.Combine(_dir, "here.db"), "-o", "json");

        Assert.True(exit == 0, remote);
        using var validated = System.Text.Json.JsonDocument.Parse(remote);
        var figures = validated.RootElement.GetProperty("records")[0].GetProperty("figures");
        Assert.Equal((11, 14), (figures.GetProperty("nodes").GetInt32(), figures.GetProperty("links").GetInt32()));
        Assert.True(localExit == 0, local);
        using var generated = System.Text.Json.JsonDocument.Parse(local);
        Assert.Equal("Ring", generated.RootElement.GetProperty("records")[0].GetProperty("pattern").GetString());
    }

    [Fact]
    public async Task ImportHistory_MovesALocalFilesRowsOnce_OldRowsToo()
    {
        var file = Path.Combine(_dir, "local.db");
        var (localExit, local) = await CliRunner.RunAsync("design", "generate", "--intent", Example("metro-8.yaml"), "--pattern", "Ring", "--history", file);
        // A row as files held it before records were kept whole: its columns only.
        using (var connection = new SqliteConnection($"Data Source={file};Pooling=False"))
        {
            connection.Open();
            using var insert = connection.CreateCommand();
            insert.CommandText = """
                INSERT INTO design_runs (at, operation, intent_name, features, pattern, score, met_constraints, outcome)
                VALUES ('2026-06-01T10:00:00.0000000+00:00', 'recommend', 'metro-old', '{"sites":8,"regions":8,"redundancy":"standard","objective":"cost","totalDemandGbps":400}', 'Tree', 0.93, 1, 'rank 1, confidence 0.70')
                """;
            insert.ExecuteNonQuery();
        }

        var (firstExit, first) = await AtCoordinator("design", "import-history", "--history", file);
        var (againExit, again) = await AtCoordinator("design", "import-history", "--history", file);
        var (historyExit, history) = await AtCoordinator("design", "history", "-o", "json");

        Assert.True(localExit == 0, local);
        Assert.True(firstExit == 0, first);
        Assert.Contains("2 record(s) of", first, StringComparison.Ordinal);
        Assert.True(againExit == 0, again);
        Assert.Contains("0 record(s) of", again, StringComparison.Ordinal);
        Assert.Contains("2 were there from an earlier import", again, StringComparison.Ordinal);
        Assert.True(historyExit == 0, history);
        using var document = System.Text.Json.JsonDocument.Parse(history);
        var records = document.RootElement.GetProperty("records").EnumerateArray().ToList();
        Assert.Equal(["metro-old", "metro-8"], records.Select(r => r.GetProperty("intentName").GetString()));
        var old = records[0];
        Assert.Equal(("Tree", 0.93, "Standard"), (old.GetProperty("pattern").GetString(), old.GetProperty("score").GetDouble(), old.GetProperty("features").GetProperty("redundancy").GetString()));
        Assert.Equal(Environment.UserName, records[1].GetProperty("operator").GetString());
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task TheCurrentContext_SendsDesignRunsToItsCoordinator_AndLocalOrHistoryKeepsThemHere()
    {
        var config = Path.Combine(_dir, "config.yaml");
        var tokenFile = Path.Combine(_dir, "noc.token");
        await File.WriteAllTextAsync(tokenFile, Token);
        File.SetUnixFileMode(tokenFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var environment = new Dictionary<string, string?> { ["NETWORKTWIN_CLI_CONFIG"] = config, ["NETWORKTWIN_COORDINATOR"] = null, ["NETWORKTWIN_TOKEN"] = null };

        await ToolProcess.RunAsync("networktwin.dll", environment, "context", "set", "lab", "--coordinator", _address, "--token-file", tokenFile);
        var (exit, remote) = await ToolProcess.RunAsync("networktwin.dll", environment, "design", "validate", "--network", Path.Combine(CliRunner.ReferenceData("topology_zoo"), "graphml", "Abilene.graphml"));
        var (localExit, local) = await ToolProcess.RunAsync("networktwin.dll", environment, "design", "validate", "--network", Path.Combine(CliRunner.ReferenceData("topology_zoo"), "graphml", "Abilene.graphml"), "--history", Path.Combine(_dir, "mine.db"));
        var (history, listed) = await ToolProcess.RunAsync("networktwin.dll", environment, "design", "history");
        var (bothExit, both) = await ToolProcess.RunAsync("networktwin.dll", environment, "design", "validate", "--network", "x.json", "--local", "--coordinator", _address);

        Assert.True(exit == 0, remote);
        Assert.Contains($"recorded at {_address} as design record 1", remote, StringComparison.Ordinal);
        Assert.True(localExit == 0, local);
        Assert.Contains("recorded in", local, StringComparison.Ordinal);
        Assert.True(history == 0, listed);
        Assert.Single(listed.Split('\n'), l => l.Contains("Abilene", StringComparison.Ordinal));
        Assert.Equal(2, bothExit);
        Assert.Contains("give one or the other", both, StringComparison.Ordinal);
    }
}
