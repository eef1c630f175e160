using System.CommandLine;
using NetworkTwin.Console.Cli;
using NetworkTwin.Console.Coordinator;
using NetworkTwin.Contracts.Operators;
using Spectre.Console;
using static System.FormattableString;

namespace NetworkTwin.Console.Scenario;

/// <summary><c>networktwin scenario twin</c>: what-ifs on the coordinator's current state, run and recorded by the coordinator.</summary>
public static class TwinScenarioCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var address = CoordinatorCommands.Address();
        var token = CoordinatorCommands.Token();
        var whatIfs = new Option<string[]>("--what-if") { Description = "link-down:AGENT/N, growth:F[@AGENT/N,..], growth:forecast, spike:F@AGENT/N[/FROM-TO], capacity:AGENT/N=GBPS; joined by '+'. Repeatable; none = the sweep.", Arity = ArgumentArity.ZeroOrMore };
        var lookback = new Option<int>("--lookback-s") { Description = "How far back the state's windows reach.", DefaultValueFactory = _ => 600 };
        var epsilon = new Option<double>("--epsilon") { Description = "A link breaks its SLA when a window needs more than its capacity with probability above this.", DefaultValueFactory = _ => 0.05 };
        var command = new Command("twin", "What-ifs on the twin's current state (every agent link's recent sizings, targets and forecasts), run in parallel by the coordinator and recorded there.")
        {
            address, token, whatIfs, lookback, epsilon, CoordinatorCommands.CaFile,
        };
        command.SetAction(async (parse, ct) =>
        {
            var request = new ScenarioRequest { LookbackSeconds = parse.GetValue(lookback), Epsilon = parse.GetValue(epsilon) };
            request.WhatIfs.AddRange(parse.GetValue(whatIfs) ?? []);
            ScenarioRun run = null!;
            await console.Status().StartAsync("the coordinator replays its state under the what-ifs...", async _ =>
            {
                run = await CoordinatorCommands.CallAsync(parse.GetRequiredValue(address), parse.GetValue(token), parse.GetValue(CoordinatorCommands.CaFile), (c, o) => c.RunScenarioAsync(request, (o with { Timeout = TimeSpan.FromMinutes(5) }).Options()).ResponseAsync, ct).ConfigureAwait(false);
            }).ConfigureAwait(false);

            console.MarkupLine(Markup.Escape(run.State));
            var baseline = run.Outcomes.FirstOrDefault(o => o.Changes.Length == 0);
            var table = new Table().Border(TableBorder.Rounded).AddColumns("what-if", "unreachable", "worst link", "P(window over capacity)", "SLA broken", "cost/month", "notes");
            foreach (var o in run.Outcomes.OrderByDescending(o => o.SlaViolations).ThenByDescending(o => o.Links.Max(l => l.BrokenPercent)))
            {
                var worst = o.Links.OrderByDescending(l => l.BrokenPercent).First();
                table.AddRow(
                    Markup.Escape(o.Name.Contains(':', StringComparison.Ordinal) ? o.Changes : o.Name),
                    Invariant($"{o.UnreachablePercent:0.###}%"),
                    Markup.Escape(worst.Link),
                    Invariant($"{worst.BrokenPercent:0.##}% ") + new string('#', (int)Math.Round(worst.BrokenPercent / 100 * 12)),
                    o.SlaViolations > 0 ? Invariant($"[red]{o.SlaViolations}[/]") : "[green]0[/]",
                    Invariant($"{o.CostPerMonth:N0}") + (baseline is null ? string.Empty : Invariant($" ({o.CostPerMonth - baseline.CostPerMonth:+0;-0;0})")),
                    Markup.Escape(o.Notes));
            }

            console.Write(table);
            console.MarkupLine(Markup.Escape(Invariant($"Run {run.RunId}: {run.Outcomes.Count} what-ifs in {run.Seconds:0.00} s on {run.Parallelism} threads at the coordinator, recorded there (requested by {run.RequestedBy}).")));
            foreach (var failed in run.Failed)
            {
                console.MarkupLine($"[red]not run:[/] {Markup.Escape(failed)}");
            }

            return run.Failed.Count > 0 ? CliApp.ExitUsage : CliApp.ExitOk;
        });
        return command;
    }
}
