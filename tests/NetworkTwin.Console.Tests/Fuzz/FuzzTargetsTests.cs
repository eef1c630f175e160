using NetworkTwin.Lab.Fuzz;
using NetworkTwin.Testing;

namespace NetworkTwin.Console.Tests.Fuzz;

/// <summary>
/// The short fuzz run of <c>./build.sh test</c>: every parser of outside input gets a couple of seconds of
/// mutated input and must only ever refuse it the documented way, and every input a longer run found is
/// replayed (the full runs are <c>networktwin-lab fuzz</c>).
/// </summary>
public sealed class FuzzTargetsTests
{
    public static TheoryData<string> Targets => [.. FuzzTargets.All.Select(t => t.Name)];

    [Theory]
    [MemberData(nameof(Targets))]
    public void ShortRun_MutatedInput_IsRefusedCleanlyOrParsed(string name)
    {
        var target = FuzzTargets.All.Single(t => t.Name == name);

        var report = FuzzRunner.Run(target, new FuzzLimits { MaxTime = TimeSpan.FromSeconds(1.5), MaxExecutions = 50_000, Seed = 7 });

        Assert.True(report.Executions > 100, $"{name}: only {report.Executions} executions");
        Assert.True(report.Findings.Count == 0, string.Join(Environment.NewLine, report.Findings.Select(f => $"{f.Kind}: {f.Detail}")));
    }

    [Fact]
    public void Regressions_EveryInputAFuzzRunFound_IsNowRefusedCleanly()
    {
        var folder = Path.Combine(SourceTree.Root()!, "tests", "NetworkTwin.Console.Tests", "Fuzz", "Regressions");
        var inputs = Directory.GetFiles(folder, "*.bin", SearchOption.AllDirectories);
        Assert.NotEmpty(inputs);
        foreach (var file in inputs)
        {
            var target = FuzzTargets.All.Single(t => t.Name == Path.GetFileName(Path.GetDirectoryName(file)));
            var bytes = File.ReadAllBytes(file);

            var report = FuzzRunner.Run(target with { Seeds = () => [bytes] }, new FuzzLimits { MaxExecutions = 1 });

            Assert.True(report.Findings.Count == 0, $"{file}: " + string.Join("; ", report.Findings.Select(f => f.Detail)));
            Assert.Equal(1, report.Refused + report.Accepted);
        }
    }
}
