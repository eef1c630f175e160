using System.CommandLine;
using NetworkTwin.Analytics.Scenario;
using NetworkTwin.Console.Cli;
using NetworkTwin.Telemetry.Scenario;
using Spectre.Console;

namespace NetworkTwin.Console.Lab.Fronthaul;

/// <summary><c>networktwin lab generate fronthaul</c>: a realistic capture in the real file formats, with its truth.</summary>
public static class GenerateFronthaulCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder to write the capture into.", Required = true };
        var cells = new Option<int>("--cells") { Description = "Cells (radio carriers).", DefaultValueFactory = _ => 24 };
        var links = new Option<int>("--links") { Description = "Shared fronthaul links.", DefaultValueFactory = _ => 3 };
        var perRu = new Option<int>("--cells-per-ru") { Description = "Cells sharing one RU clock.", DefaultValueFactory = _ => 4 };
        var seconds = new Option<double>("--seconds") { Description = "Capture length.", DefaultValueFactory = _ => 8 };
        var seed = new Option<int>("--seed") { Description = "Random seed (same seed, same capture).", DefaultValueFactory = _ => 1 };
        var linkLoss = new Option<double>("--link-loss") { Description = "Loss each link's capacity is set to cause.", DefaultValueFactory = _ => 0.01 };
        var maxOffset = new Option<double>("--max-offset-s") { Description = "Largest RU clock offset.", DefaultValueFactory = _ => 1.5 };

        var command = new Command("fronthaul", "Generate a fronthaul capture (throughput and pkt-stats .dat files) and its ground truth.")
        {
            output, cells, links, perRu, seconds, seed, linkLoss, maxOffset,
        };
        command.SetAction(async (parse, ct) =>
        {
            var spec = new ScenarioSpec
            {
                Cells = parse.GetValue(cells),
                Links = parse.GetValue(links),
                CellsPerRu = parse.GetValue(perRu),
                DurationSeconds = parse.GetValue(seconds),
                Seed = parse.GetValue(seed),
                LinkLoss = parse.GetValue(linkLoss),
                MaxClockOffsetSeconds = parse.GetValue(maxOffset),
            };
            var folder = parse.GetRequiredValue(output).FullName;
            var scenario = await GenerateAsync(console, spec, folder, ct).ConfigureAwait(false);
            console.MarkupLine($"Wrote {spec.Cells} cells x {spec.DurationSeconds:0.#} s to [link]{Markup.Escape(folder)}[/] ({scenario.Truth.OutliersInjected} logger errors injected); truth in {ScenarioWriter.TruthFileName}.");
            return CliApp.ExitOk;
        });
        return command;
    }

    public static async Task<GeneratedScenario> GenerateAsync(IAnsiConsole console, ScenarioSpec spec, string folder, CancellationToken ct)
    {
        var problems = spec.Validate();
        if (problems.Count > 0)
        {
            throw new CliUsageException(string.Join(Environment.NewLine, problems));
        }

        GeneratedScenario? scenario = null;
        await console.Progress().AutoClear(true).StartAsync(async ctx =>
        {
            var build = ctx.AddTask("simulating traffic and switch buffers", maxValue: 1);
            build.IsIndeterminate = true;
            scenario = FronthaulScenarioGenerator.Generate(spec);
            build.Value = 1;
            var write = ctx.AddTask("writing files", maxValue: spec.Cells);
            await ScenarioWriter.WriteAsync(scenario, folder, new Progress<int>(n => write.Value = n), ct).ConfigureAwait(false);
            write.Value = spec.Cells;
        }).ConfigureAwait(false);
        return scenario!;
    }
}
