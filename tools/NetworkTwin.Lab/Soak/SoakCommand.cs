using System.CommandLine;
using NetworkTwin.Console.Cli;
using NetworkTwin.Testing.Launchers;
using Spectre.Console;

namespace NetworkTwin.Lab.Soak;

/// <summary><c>networktwin-lab soak</c>: the product running for a long while through broken parts (bench tooling, not CI).</summary>
public static class SoakCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var minutes = new Option<double>("--minutes") { Description = "How long the soak runs, the last 3 minutes without faults.", DefaultValueFactory = _ => 30 };
        var every = new Option<double>("--fault-every") { Description = "Seconds between the starts of two faults.", DefaultValueFactory = _ => 100 };
        var folder = new Option<DirectoryInfo>("--folder") { Description = "Where the services keep their data and logs, and the report goes (emptied first).", DefaultValueFactory = _ => new DirectoryInfo(Path.Combine("out", "soak")) };
        var command = new Command("soak", "mosquitto, a coordinator on PostgreSQL and two agents with replayed telemetry, while broker, coordinator, database, agent, network path, disk and clock fail in turn; then checks every result was stored once, no process crashed, memory stayed flat, every fault was logged and the outboxes drained.")
        {
            minutes, every, folder,
        };
        command.SetAction(async (parse, ct) =>
        {
            var settings = new SoakSettings(
                TimeSpan.FromMinutes(parse.GetValue(minutes)),
                TimeSpan.FromSeconds(parse.GetValue(every)),
                parse.GetValue(folder)!.FullName,
                AgentProcess.Locate(null),
                ServiceProcess.Locate("networktwin-central.dll", Path.Combine("central", "NetworkTwin.Central"), "NETWORKTWIN_CENTRAL", null));
            if (settings.Duration < TimeSpan.FromMinutes(5) || settings.FaultEvery < TimeSpan.FromSeconds(60))
            {
                throw new CliUsageException("--minutes must be at least 5 and --fault-every at least 60 (each fault needs up to a minute).");
            }

            var report = await SoakRun.RunAsync(settings, line => console.MarkupLine(Markup.Escape(line)), ct).ConfigureAwait(false);
            var path = Path.Combine(settings.Folder, "soak-report.md");
            await File.WriteAllTextAsync(path, report.Markdown, ct).ConfigureAwait(false);
            console.WriteLine(report.Markdown);
            console.MarkupLine($"report: {Markup.Escape(path)}");
            return report.Passed ? CliApp.ExitOk : 1;
        });
        return command;
    }
}

/// <summary>What one soak runs with.</summary>
public sealed record SoakSettings(TimeSpan Duration, TimeSpan FaultEvery, string Folder, string AgentPath, string CentralPath);
