using System.CommandLine;
using System.Globalization;
using NetworkTwin.Analytics.Fronthaul;
using NetworkTwin.Analytics.Scenario;
using NetworkTwin.Console.Agent;
using NetworkTwin.Console.Cli;
using NetworkTwin.Console.Lab.Fronthaul;
using NetworkTwin.Testing.Launchers;
using Spectre.Console;

namespace NetworkTwin.Lab.Demo;

/// <summary>
/// <c>networktwin-lab demo</c>: the whole fronthaul job on a generated capture with an embedded
/// default configuration, then a check of the answer against the generator's truth.
/// </summary>
public static class DemoCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for the capture and the results.", DefaultValueFactory = _ => new DirectoryInfo(Path.Combine("out", "demo")) };
        var seconds = new Option<double>("--seconds") { Description = "Length of the generated capture; 30 s or more lets the coordinator learn a forecast model part-way and the agent forecast with it.", DefaultValueFactory = _ => 40 };
        var seed = new Option<int>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => 7 };
        var agent = new Option<string?>("--agent") { Description = "The agent to run live (networktwin-agent.dll); found beside the CLI or in the build tree by default." };
        var speed = new Option<double>("--speed") { Description = "Replay speed of the live part (1 = real time).", DefaultValueFactory = _ => 1 };
        var offline = new Option<bool>("--offline") { Description = "Skip the live part (broker, agent, replay)." };
        var command = new Command("demo", "Generate a 24-cell, 3-link fronthaul capture, analyse it, compare with the truth, then replay it live over MQTT to a running agent.")
        {
            output, seconds, seed, agent, speed, offline,
        };
        command.SetAction(async (parse, ct) =>
        {
            var folder = parse.GetRequiredValue(output).FullName;
            var spec = new ScenarioSpec { DurationSeconds = parse.GetValue(seconds), Seed = parse.GetValue(seed) };
            var live = parse.GetValue(offline) ? null : new LiveSettings(AgentProcess.Locate(parse.GetValue(agent)), parse.GetValue(speed));
            if (live is not null && MosquittoBroker.FindExecutable() is null)
            {
                throw new FileNotFoundException("The live demo needs mosquitto (Debian: apt-get install mosquitto; ./build.sh demo installs it), or pass --offline.");
            }

            if (live is not null && !(live.Speed is > 0 and <= 1000))
            {
                throw new CliUsageException($"--speed must be above 0 and at most 1000 (got {live.Speed}).");
            }

            return await RunAsync(console, spec, folder, live, ct).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>Where the live part's agent is and how fast to replay.</summary>
    public sealed record LiveSettings(string AgentPath, double Speed);

    public static async Task<int> RunAsync(IAnsiConsole console, ScenarioSpec spec, string folder, LiveSettings? live, CancellationToken ct)
    {
        var capture = Path.Combine(folder, "capture");
        console.Write(new Rule("[bold]NetworkTwin demo[/]: 5G fronthaul, 24 cells on 3 shared links").LeftJustified());
        console.MarkupLine($"1. Generating {spec.Cells} cells x {spec.DurationSeconds:0.#} s of DU throughput and RU packet stats (RU clocks shifted up to {spec.MaxClockOffsetSeconds} s, logger errors included)...");
        var scenario = await GenerateFronthaulCommand.GenerateAsync(console, spec, capture, ct).ConfigureAwait(false);

        // The operator knows how many links there are and where one cell sits, as in the hackathon brief.
        var pinned = scenario.Truth.LinkOfCell[1];
        var options = new FronthaulOptions { DeclaredLinks = spec.Links, Pins = new Dictionary<int, int> { [1] = pinned } };
        console.MarkupLine($"2. Analysing {Markup.Escape(capture)} with --links {spec.Links} --pin 1={pinned}...");
        var outputs = new ReportOutputs(Path.Combine(folder, "report.json"), folder);
        var run = await AnalyzeFronthaulCommand.RunAsync(console, capture, options, outputs, ct).ConfigureAwait(false);
        ReportRenderer.Render(console, run);

        console.MarkupLine("3. Checking the answer against the generator's truth:");
        var check = TruthCheck.Compare(run.Report, scenario.Truth);
        var table = new Table().Border(TableBorder.Rounded).AddColumns("check", "result");
        table.AddRow("cells on the right link", $"{check.CellsPlacedRight} / {check.Cells}");
        table.AddRow("clock offsets within 0.5 ms", $"{check.OffsetsRight} / {check.Cells}");
        foreach (var (link, trueGbps, gotGbps) in check.Capacities)
        {
            table.AddRow($"link {link} capacity", string.Create(CultureInfo.InvariantCulture, $"{gotGbps:0.000} Gbit/s vs true {trueGbps:0.000} ({100 * (gotGbps - trueGbps) / trueGbps:+0.00;-0.00}%)"));
        }

        table.AddRow("logger errors removed", $"{run.Report.Cleaning.OutliersRemoved} (injected {scenario.Truth.OutliersInjected})");
        console.Write(table);
        var ok = check.CellsPlacedRight == check.Cells;
        console.MarkupLine(ok ? "[green]The twin recovered the true link map.[/]" : "[red]The link map differs from the truth.[/]");
        if (live is null)
        {
            return ok ? CliApp.ExitOk : 1;
        }

        console.Write(new Rule("[bold]Live[/]: the same capture over MQTT to a running edge agent").LeftJustified());
        console.MarkupLine($"4. Starting mosquitto and the agent, then replaying the capture at {live.Speed:0.#}x real time...");
        bool liveOk;
        try
        {
            liveOk = await LiveDemo.RunAsync(console, capture, folder, scenario.Truth, spec.Links, live.AgentPath, live.Speed, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException or Grpc.Core.RpcException)
        {
            // A step that never came (the agent did not get there in time, exited, or the coordinator failed a call).
            console.MarkupLine($"[red]The live demo stopped: {Markup.Escape(ex.Message)}[/]");
            return 1;
        }

        console.MarkupLine(liveOk ? "[green]Every step of the live demo delivered; the live agent found the same link map from the MQTT stream.[/]" : "[red]A step of the live demo did not deliver (marked 'failed' above).[/]");
        return ok && liveOk ? CliApp.ExitOk : 1;
    }
}
