using System.CommandLine;
using NetworkTwin.Lab.Bench;
using NetworkTwin.Lab.Demo;
using NetworkTwin.Lab.Fuzz;
using Spectre.Console;

namespace NetworkTwin.Lab;

/// <summary>The <c>networktwin-lab</c> command tree: the demo and the benchmarks.</summary>
public static class LabApp
{
    public const string Name = "networktwin-lab";

    public static RootCommand Build(IAnsiConsole console) => new("NetworkTwin lab: the demo on a generated capture, the benchmarks and the fuzzer, for developers (needs mosquitto, and the build tree).")
    {
        DemoCommand.Create(console),
        BenchCommand.Create(console),
        FuzzCommand.Create(console),
        Soak.SoakCommand.Create(console),
    };
}
