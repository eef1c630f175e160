using System.CommandLine;
using NetworkTwin.Console.Cli;
using NetworkTwin.Onnx.Conformance;
using NetworkTwin.Onnx.Runtime;
using Spectre.Console;

namespace NetworkTwin.Console.Lab.Models;

/// <summary><c>networktwin lab onnx conformance</c>: the ONNX backend test models through the project's ONNX Runtime binding.</summary>
public static class OnnxCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var data = new Option<DirectoryInfo>("--data") { Description = "Folder of ONNX backend test models (model.onnx with test_data_set_*).", DefaultValueFactory = _ => new DirectoryInfo(ConformanceSuite.DebianRoot) };
        var failures = new Option<bool>("--failures") { Description = "List every failed model with its reason." };
        var conformance = new Command("conformance", "Run the ONNX backend test models (Debian libonnx-testdata) through the binding and print the pass rate.") { data, failures };
        conformance.SetAction(parse =>
        {
            var root = parse.GetRequiredValue(data).FullName;
            if (!Directory.Exists(root))
            {
                throw new CliUsageException($"--data: {root} does not exist (Debian package libonnx-testdata installs the models under {ConformanceSuite.DebianRoot})");
            }

            var cases = RunAll(console, root);
            Render(console, cases, parse.GetValue(failures));
            return CliApp.ExitOk;
        });

        var command = new Command("onnx", "The ONNX Runtime the agents predict with.");
        command.Add(conformance);
        return command;
    }

    public static List<ConformanceCase> RunAll(IAnsiConsole console, string root)
    {
        var directories = ConformanceSuite.Discover(root);
        var cases = new List<ConformanceCase>(directories.Count);
        console.MarkupLine($"ONNX Runtime {Markup.Escape(OnnxRuntime.Version)} from {Markup.Escape(OnnxRuntime.LibraryPath)}; {directories.Count} models under {Markup.Escape(root)}");
        console.Progress().AutoClear(true).Start(ctx =>
        {
            var task = ctx.AddTask("models", maxValue: directories.Count);
            foreach (var directory in directories)
            {
                cases.Add(ConformanceSuite.Run(root, directory));
                task.Increment(1);
            }
        });
        return cases;
    }

    private static void Render(IAnsiConsole console, List<ConformanceCase> cases, bool listFailures)
    {
        var verdicts = Enum.GetValues<ConformanceVerdict>();
        var table = new Table().AddColumn("suite");
        foreach (var v in verdicts)
        {
            table.AddColumn(new TableColumn(Label(v)).RightAligned());
        }

        table.AddColumn(new TableColumn("pass rate").RightAligned());
        foreach (var group in cases.GroupBy(c => c.Suite).Append(cases.GroupBy(_ => "all").Single()))
        {
            var row = new List<string> { group.Key };
            row.AddRange(verdicts.Select(v => group.Count(c => c.Verdict == v).ToString(System.Globalization.CultureInfo.InvariantCulture)));
            row.Add(PassRate(group).ToString("P1", System.Globalization.CultureInfo.InvariantCulture));
            table.AddRow(row.ToArray());
        }

        console.Write(table);
        console.MarkupLine("pass rate = passed / (passed + failed); models below opset 7, with non-tensor or string values, or whose operators ONNX Runtime has no kernel for are counted apart; random outputs are checked by type and shape.");
        var failed = cases.Where(c => c.Verdict == ConformanceVerdict.Failed).ToList();
        if (listFailures || failed.Count <= 20)
        {
            foreach (var c in failed)
            {
                console.MarkupLine($"[red]failed[/] {Markup.Escape(c.Suite)}/{Markup.Escape(c.Name)}: {Markup.Escape(c.Detail)}");
            }
        }
    }

    public static double PassRate(IEnumerable<ConformanceCase> cases)
    {
        var list = cases.ToList();
        var passed = list.Count(c => c.Verdict == ConformanceVerdict.Passed);
        var failed = list.Count(c => c.Verdict == ConformanceVerdict.Failed);
        return passed + failed == 0 ? 0 : (double)passed / (passed + failed);
    }

    private static string Label(ConformanceVerdict v) => v switch
    {
        ConformanceVerdict.Passed => "passed",
        ConformanceVerdict.Failed => "failed",
        ConformanceVerdict.OldOpset => "opset < 7",
        ConformanceVerdict.UnsupportedType => "type not carried",
        ConformanceVerdict.NoKernel => "no ORT kernel",
        ConformanceVerdict.RandomShapeChecked => "random (shape)",
        _ => v.ToString(),
    };
}
