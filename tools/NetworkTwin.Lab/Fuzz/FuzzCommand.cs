using System.CommandLine;
using System.Security.Cryptography;
using NetworkTwin.Console.Cli;
using Spectre.Console;

namespace NetworkTwin.Lab.Fuzz;

/// <summary>
/// <c>networktwin-lab fuzz</c>: every parser of outside input under an in-process mutation fuzzer, for a time
/// or a count per target. Prints executions, how inputs ended, the slowest and hungriest input, and writes each
/// finding (crash, hang, disproportionate allocation) with its input to the findings folder; exits 1 on any.
/// </summary>
public static class FuzzCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var targets = new Option<string[]>("--target") { Description = "Targets to run (repeatable; default: all). 'list' prints them.", AllowMultipleArgumentsPerToken = true };
        var seconds = new Option<double>("--seconds") { Description = "Time per target.", DefaultValueFactory = _ => 10 };
        var count = new Option<long?>("--count") { Description = "Executions per target (stops at whichever of --seconds and --count comes first)." };
        var findings = new Option<DirectoryInfo>("--findings") { Description = "Where findings and their inputs are written.", DefaultValueFactory = _ => new DirectoryInfo("out/fuzz") };
        var seed = new Option<int>("--seed") { Description = "The mutator's seed (a run is repeatable).", DefaultValueFactory = _ => 1 };
        var command = new Command("fuzz", "Fuzz every parser of outside input (telemetry, loss events, network and traffic files, intents, model metadata, operators' free text).") { targets, seconds, count, findings, seed };
        command.SetAction(parse =>
        {
            var names = parse.GetValue(targets) ?? [];
            if (names.Contains("list"))
            {
                foreach (var t in FuzzTargets.All)
                {
                    console.MarkupLine($"{t.Name,-16} {Markup.Escape(t.What)}");
                }

                return CliApp.ExitOk;
            }

            var unknown = names.Except(FuzzTargets.All.Select(t => t.Name)).ToList();
            if (unknown.Count > 0)
            {
                throw new CliUsageException($"--target: no target {string.Join(", ", unknown)}; 'networktwin-lab fuzz --target list' names them");
            }

            var time = parse.GetValue(seconds);
            if (!(time > 0))
            {
                throw new CliUsageException($"--seconds: {time} must be positive");
            }

            var limits = new FuzzLimits { MaxTime = TimeSpan.FromSeconds(time), MaxExecutions = parse.GetValue(count) ?? long.MaxValue, Seed = parse.GetValue(seed) };
            var chosen = FuzzTargets.All.Where(t => names.Length == 0 || names.Contains(t.Name)).ToList();
            var table = new Table().Border(TableBorder.Rounded).AddColumns("target", "executions", "per second", "refused", "accepted", "slowest", "most allocated", "corpus", "findings");
            var reports = new List<FuzzReport>();
            foreach (var target in chosen)
            {
                var report = FuzzRunner.Run(target, limits);
                reports.Add(report);
                console.MarkupLine($"[grey]{Markup.Escape(target.Name)}: {Count(report.Executions)} executions in {report.Elapsed.TotalSeconds:0.0} s, {report.Findings.Count} finding(s)[/]");
                table.AddRow(
                    Markup.Escape(target.Name), Count(report.Executions), Count((long)report.PerSecond), Count(report.Refused), Count(report.Accepted),
                    $"{report.SlowestMs:0.0} ms", $"{report.MostAllocatedBytes / 1048576.0:0.0} MiB", report.CorpusSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    report.Findings.Count == 0 ? "0" : $"[red]{report.Findings.Count}[/]");
            }

            console.Write(table);
            console.MarkupLine("Targets: >= 1,000,000 executions each, no crash, no input over 1 s, no input allocating more than 16 MiB + 256 x its size.");
            var all = reports.SelectMany(r => r.Findings).ToList();
            if (all.Count == 0)
            {
                return CliApp.ExitOk;
            }

            var folder = parse.GetRequiredValue(findings).FullName;
            foreach (var f in all)
            {
                var dir = Path.Combine(folder, f.Target);
                Directory.CreateDirectory(dir);
                var file = Path.Combine(dir, $"{f.Kind.Replace(' ', '-')}-{Convert.ToHexStringLower(SHA256.HashData(f.Input))[..12]}");
                File.WriteAllBytes(file + ".bin", f.Input);
                File.WriteAllText(file + ".txt", f.Detail + Environment.NewLine);
                console.MarkupLine($"[red]{Markup.Escape(f.Target)} {Markup.Escape(f.Kind)}:[/] {Markup.Escape(f.Detail)} (input {Markup.Escape(file)}.bin)");
            }

            return 1;
        });
        return command;
    }

    private static string Count(long n) => n.ToString("#,0", System.Globalization.CultureInfo.InvariantCulture);
}
