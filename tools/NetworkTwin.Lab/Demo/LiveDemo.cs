using System.Globalization;
using Microsoft.Extensions.Configuration;
using NetworkTwin.Analytics.Scenario;
using NetworkTwin.Central.Service;
using NetworkTwin.Console.Agent;
using NetworkTwin.Console.Cli;
using NetworkTwin.Contracts.Operators;
using NetworkTwin.Contracts.Status;
using NetworkTwin.Contracts.Sync;
using NetworkTwin.Hosting.Grpc;
using NetworkTwin.Mqtt.Client;
using NetworkTwin.Telemetry.Replay;
using NetworkTwin.Testing.Launchers;
using Spectre.Console;

namespace NetworkTwin.Lab.Demo;

/// <summary>
/// The live half of the demo: a real mosquitto, a real agent process and the replayer publishing
/// the generated capture over MQTT, with the agent's results shown as they change.
/// </summary>
public static class LiveDemo
{
    public static async Task<bool> RunAsync(IAnsiConsole console, string capture, string folder, ScenarioTruth truth, int links, string agentPath, double speed, CancellationToken ct)
    {
        // Each run starts from an empty twin: a previous run's repository, outbox and capacity targets would mix into this one.
        foreach (var stale in new[] { Path.Combine(folder, "central"), Path.Combine(folder, "agent") }.Where(Directory.Exists))
        {
            Directory.Delete(stale, recursive: true);
        }

        await using var broker = await MosquittoBroker.StartAsync(cancellationToken: ct).ConfigureAwait(false);
        var coordinatorPort = LoopbackPort.Free();
        await using var coordinator = CoordinatorHost.Build([], c => c.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Coordinator:Port"] = coordinatorPort.ToString(CultureInfo.InvariantCulture),
            ["Coordinator:DataDirectory"] = Path.Combine(folder, "central"),
            ["Logging:LogLevel:Default"] = "Warning",
            ["Coordinator:Logging:ConsoleLevel"] = "Warning",
            // The demo asks for a model itself, again and again until the coordinator has the history to learn from.
            ["Coordinator:Learning:EveryMinutes"] = "0",
            ["Coordinator:Learning:MinWindows"] = LearnAfterWindows.ToString(CultureInfo.InvariantCulture),
            // The control loop decides every second once a link's results span 8 s; raises above 100 per month wait for an operator.
            ["Coordinator:Control:EverySeconds"] = "1",
            ["Coordinator:Control:SettleSeconds"] = "8",
            ["Coordinator:Control:LookbackSeconds"] = "60",
            ["Coordinator:Control:AutoApplyMaxCostPerMonth"] = "100",
        }));
        await coordinator.StartAsync(ct).ConfigureAwait(false);
        var coordinatorAddress = $"http://127.0.0.1:{coordinatorPort}";
        console.MarkupLine($"   coordinator listens on {coordinatorAddress} (repository in {Markup.Escape(Path.Combine(folder, "central"))})");
        console.MarkupLine($"   mosquitto (pid {broker.ProcessId}) listens on 127.0.0.1:{broker.Port}");
        var pinned = truth.LinkOfCell[1];
        var agentSettings = new Dictionary<string, string>
        {
            ["Mqtt:Port"] = broker.Port.ToString(CultureInfo.InvariantCulture),
            ["Agent:Site"] = "demo",
            ["Agent:Window:EvaluateEverySeconds"] = "1",
            ["Agent:Analysis:DeclaredLinks"] = links.ToString(CultureInfo.InvariantCulture),
            ["Agent:Analysis:Pins:1"] = pinned.ToString(CultureInfo.InvariantCulture),
            ["Agent:Logging:ConsoleLevel"] = "Warning",
            ["Agent:Coordinator:Address"] = coordinatorAddress,
            ["Agent:Coordinator:AgentId"] = "demo-agent",
        };

        // The links are provisioned at 75% of what they need, so the twin has something to decide; the
        // default actuator writes the targets file and runs a hook that stands in for the site's shaper.
        foreach (var (link, gbps) in truth.CapacityGbpsOfLink)
        {
            agentSettings[$"Agent:Actuator:Installed:{link}"] = (Math.Round(gbps * 0.75, 1)).ToString(CultureInfo.InvariantCulture);
        }

        if (!OperatingSystem.IsWindows())
        {
            var hook = Path.Combine(folder, "shaper-hook.sh");
            await File.WriteAllTextAsync(hook, "#!/bin/sh\necho \"$(date -u +%H:%M:%S) link $1 -> $2 Gbit/s (command $3)\" >> \"$(dirname \"$NETWORKTWIN_TARGETS_FILE\")/shaper.log\"\necho \"shaper on link $1 set to $2 Gbit/s\"\n", ct).ConfigureAwait(false);
            File.SetUnixFileMode(hook, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            agentSettings["Agent:Actuator:HookScript"] = hook;
        }

        await using var agent = AgentProcess.Start(agentPath, Path.Combine(folder, "agent"), agentSettings);
        await agent.WaitForStatusAsync(s => s.Broker is { Connected: true }, "connected to the broker", TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
        console.MarkupLine($"   agent (pid {agent.ProcessId}, {Markup.Escape(agentPath)}, {Markup.Escape(AgentProcess.BuildOf(agentPath))}) is connected; its logs are in {Markup.Escape(Path.Combine(agent.DataDirectory, "logs"))}");

        var source = await ReplaySource.LoadAsync(capture, null, ct).ConfigureAwait(false);
        var learn = source.EndSeconds - source.StartSeconds >= MinLearningSeconds;
        var judged = false;
        await using var publisher = new MqttClient(new MqttClientOptions { Port = broker.Port, ClientId = "nt-demo-replayer", CleanSession = true });
        publisher.Start();
        await publisher.WaitConnectedAsync(ct).ConfigureAwait(false);
        var options = new ReplayOptions { Site = "demo", Speed = speed };
        var duration = source.EndSeconds - source.StartSeconds;
        ReplayProgress progress = new(0, duration, 0, 0);
        var pass = 0;
        long published = 0;

        AgentStatusDocument? status = null;
        var done = DateTimeOffset.MinValue;
        using var channel = CoordinatorChannel.Create(new CoordinatorChannelSettings { Address = new Uri(coordinatorAddress) });
        var operators = new Operators.OperatorsClient(channel);
        // Learning: ask every 2 s until the coordinator has the windows it needs (on a loaded machine the agent evaluates
        // fewer windows per second of data, so no fixed point of the replay is right), then let the rest be forecast.
        Task<ModelRecord>? training = null;
        ModelRecord? model = null;
        var nextTraining = DateTimeOffset.MinValue;
        async Task TrainWhenReadyAsync()
        {
            if (!learn || model is { State: not NotTrained })
            {
                return;
            }

            if (training is { IsCompleted: true })
            {
                model = await training.ConfigureAwait(false);
                training = null;
                nextTraining = DateTimeOffset.UtcNow.AddSeconds(2);
            }

            if (training is null && model is not { State: not NotTrained } && DateTimeOffset.UtcNow >= nextTraining)
            {
                training = operators.TrainModelAsync(new TrainModelRequest(), deadline: DateTime.UtcNow.AddMinutes(2), cancellationToken: ct).ResponseAsync;
            }
        }

        // The demo's operator approves what the policy holds, as soon as it appears (networktwin approve).
        var approved = new HashSet<long>();
        var lastLook = DateTimeOffset.MinValue;
        async Task ApproveHeldAsync()
        {
            if (DateTimeOffset.UtcNow - lastLook < TimeSpan.FromSeconds(1))
            {
                return;
            }

            lastLook = DateTimeOffset.UtcNow;
            var all = await operators.ListDecisionsAsync(new ListDecisionsRequest(), cancellationToken: ct).ResponseAsync.ConfigureAwait(false);
            judged = all.Decisions.Any(d => d.State is "confirmed" or "violated" or "rolled-back");
            foreach (var d in all.Decisions.Where(d => d.State == "held" && approved.Add(d.DecisionId)))
            {
                await operators.DecideAsync(new DecideRequest { DecisionId = d.DecisionId, Approve = true, Operator = "demo-operator", Note = "approved during the demo" }, cancellationToken: ct).ResponseAsync.ConfigureAwait(false);
            }
        }

        // What the later steps show must have happened by the end of the replay; until then the capture is replayed
        // again, its times shifted on so that data time keeps going forward (a loaded machine evaluates fewer windows
        // per second of data, so how much replay the steps need is measured, not guessed).
        var waitedFor = new List<string>();
        bool Delivered() => !learn || (model is { State: not NotTrained } m && status?.Forecast is { Forecasts: > 0 } f && f.ModelVersion == m.Version && judged);
        string Waiting() => string.Join(", ", new[]
        {
            model is { State: not NotTrained } ? null : "a forecast model",
            status?.Forecast is { Forecasts: > 0 } ? null : "the agent's forecasts",
            judged ? null : "a decision judged on its effect",
        }.Where(w => w is not null));
        async Task ReplayAsync(Action show, int everyMilliseconds)
        {
            for (pass = 0; ; pass++)
            {
                var replay = TelemetryReplayer.RunAsync(source, publisher, options with { ShiftSeconds = pass * (duration + 1) }, new Progress<ReplayProgress>(p => progress = p), ct);
                while (!replay.IsCompleted)
                {
                    await Task.WhenAny(replay, Task.Delay(everyMilliseconds, ct)).ConfigureAwait(false);
                    status = await agent.TryReadStatusAsync(ct).ConfigureAwait(false) ?? status;
                    await TrainWhenReadyAsync().ConfigureAwait(false);
                    await ApproveHeldAsync().ConfigureAwait(false);
                    show();
                }

                published += (await replay.ConfigureAwait(false)).Rows;
                if (Delivered() || pass + 1 >= MaxPasses)
                {
                    return;
                }

                waitedFor.Add(Waiting());
            }
        }

        if (console.Profile.Capabilities.Interactive)
        {
            await console.Live(new Markup("waiting for the agent...")).StartAsync(live => ReplayAsync(() => live.UpdateTarget(Frame(progress, speed, status, pass)), 500)).ConfigureAwait(false);
        }
        else
        {
            // Piped output (CI, logs): one line a second instead of redrawn tables.
            await ReplayAsync(() => console.MarkupLine(Markup.Escape(Line(progress, status, pass))), 1000).ConfigureAwait(false);
        }

        for (var i = 0; i < waitedFor.Count; i++)
        {
            console.MarkupLine($"   pass {i + 2} of the capture: replayed again because {Markup.Escape(waitedFor[i])} had not come yet");
        }


        done = DateTimeOffset.UtcNow;
        status = await agent.WaitForStatusAsync(s => s.Ingest.Rows >= published && s.Window.LastEvaluatedAt > done, "an evaluation of the whole stream", TimeSpan.FromSeconds(60), ct).ConfigureAwait(false);

        console.MarkupLine("   The agent's final picture (from its status file; 'networktwin agent status' shows the same):");
        console.Write(AgentStatusRenderer.Render(status!, DateTimeOffset.UtcNow));
        var right = status!.Links.Sum(l => l.Cells.Count(c => truth.LinkOfCell.GetValueOrDefault(c) == l.Id));
        var offsets = status.Cells.Count(c => c.ClockOffsetMs is { } ms && c.OffsetReference == "du" && Math.Abs(ms - truth.ClockOffsetMsOfCell.GetValueOrDefault(c.Id)) <= 0.5);
        var table = new Table().Border(TableBorder.Rounded).AddColumns("live check", "result");
        table.AddRow("cells on the right link", $"{right} / {truth.LinkOfCell.Count}");
        table.AddRow("clock offsets within 0.5 ms", $"{offsets} / {truth.LinkOfCell.Count}");
        foreach (var link in status.Links.Where(l => truth.CapacityGbpsOfLink.ContainsKey(l.Id)))
        {
            var t = truth.CapacityGbpsOfLink[link.Id];
            table.AddRow($"link {link.Id} capacity", string.Create(CultureInfo.InvariantCulture, $"{link.CapacityGbps:0.000} Gbit/s vs true {t:0.000} ({100 * (link.CapacityGbps - t) / t:+0.00;-0.00}%)"));
        }

        table.AddRow("rows applied", string.Create(CultureInfo.InvariantCulture, $"{status.Ingest.Rows:N0} of {published:N0} published"));
        table.AddRow("refused messages", string.Create(CultureInfo.InvariantCulture, $"{status.Ingest.MalformedPayloads + status.Ingest.RejectedTopics}"));
        table.AddRow("agent memory", string.Create(CultureInfo.InvariantCulture, $"{agent.Memory().Rss / 1048576.0:0} MB resident, peak {agent.Memory().Peak / 1048576.0:0} MB"));
        console.Write(table);
        // The coordinator's view, over its operators' API, once the agent's outbox has drained.
        var synced = await agent.WaitForStatusAsync(s => s.Coordinator is { Connected: true } && s.Outbox is { Pending: 0 }, "the outbox drained to the coordinator", TimeSpan.FromSeconds(60), ct).ConfigureAwait(false);
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"5. The coordinator stored results 1..{synced.Outbox!.LastSequence:N0} from the agent; 'networktwin links' shows:"));
        await CliApp.RunAsync(["links", "--coordinator", coordinatorAddress], console, cancellationToken: ct).ConfigureAwait(false);
        console.MarkupLine("6. The coordinator's own link map from the agent's loss evidence ('networktwin topology --refresh') and its capacities:");
        await CliApp.RunAsync(["topology", "--refresh", "--coordinator", coordinatorAddress], console, cancellationToken: ct).ConfigureAwait(false);
        await CliApp.RunAsync(["capacities", "--coordinator", coordinatorAddress], console, cancellationToken: ct).ConfigureAwait(false);
        var delivered = right == truth.LinkOfCell.Count && status.Ingest.Rows == published;
        var stored = await operators.ListAgentsAsync(new ListAgentsRequest(), cancellationToken: ct).ResponseAsync.ConfigureAwait(false);
        delivered &= Step(console, stored.Agents.Any(a => a.StoredThrough >= synced.Outbox.LastSequence), "the coordinator holds every result the agent sent");
        var map = await operators.GetTopologyAsync(new GetTopologyRequest(), cancellationToken: ct).ResponseAsync.ConfigureAwait(false);
        delivered &= Step(console, map.Links.Count == links, $"the coordinator's link map has the {links} declared links (it has {map.Links.Count})");
        if (!learn)
        {
            console.MarkupLine($"7. [yellow]Skipped:[/] a {source.EndSeconds - source.StartSeconds:0.#} s capture is too short to learn a forecast model from (the demo learns after {LearnAfterWindows} windows per link; run it with --seconds {MinLearningSeconds} or more).");
        }
        else
        {
            if (training is not null)
            {
                model = await training.ConfigureAwait(false);
            }

            var trained = model is { State: not NotTrained };
            console.MarkupLine(trained
                ? string.Create(CultureInfo.InvariantCulture, $"7. The coordinator learned forecast model v{model!.Version} from the agent's link history once {LearnAfterWindows} windows per link were in, and shipped it on the downlink ('networktwin models'); the agent forecast the windows after that ('networktwin predictions'):")
                : $"7. The coordinator did not train a forecast model: {Markup.Escape(model?.Detail ?? "it was never asked")}");
            await CliApp.RunAsync(["models", "--coordinator", coordinatorAddress], console, cancellationToken: ct).ConfigureAwait(false);
            await CliApp.RunAsync(["predictions", "--coordinator", coordinatorAddress], console, cancellationToken: ct).ConfigureAwait(false);
            delivered &= Step(console, trained, "a forecast model was trained and shipped");
            var forecasting = trained && status.Forecast is { Forecasts: > 0 } f && f.ModelVersion == model!.Version;
            var refusal = forecasting ? null : (await operators.ListCommandsAsync(new ListCommandsRequest(), cancellationToken: ct).ResponseAsync.ConfigureAwait(false))
                .Commands.FirstOrDefault(c => c.Command.BodyCase == Command.BodyOneofCase.Model && c.State == "refused")?.Detail;
            delivered &= Step(console, forecasting, string.Create(CultureInfo.InvariantCulture, $"the agent forecast with it ({status.Forecast?.Forecasts ?? 0} forecasts, model v{status.Forecast?.ModelVersion ?? 0}){(refusal is null ? string.Empty : "; the agent refused it: " + refusal)}"));
            console.MarkupLine("8. What the twin advises per link from its sizing and forecasts ('networktwin recommendations'):");
            await CliApp.RunAsync(["recommendations", "--coordinator", coordinatorAddress], console, cancellationToken: ct).ConfigureAwait(false);
            var advice = await operators.ListRecommendationsAsync(new RecommendationsRequest(), cancellationToken: ct).ResponseAsync.ConfigureAwait(false);
            var forecastBacked = advice.Links.Count(l => l.Action != "no-forecast");
            delivered &= Step(console, forecastBacked > 0, $"recommendations backed by forecasts ({forecastBacked} of {advice.Links.Count} links)");
        }

        // Governed control: what the twin decided, what the policy and the operator said, what the agent measured.
        var decisions = await WaitForVerdictsAsync(operators, ct).ConfigureAwait(false);
        console.MarkupLine("9. The links were provisioned at 75% of their need: the coordinator proposed raising them, its policy applied the cheap ones and held the rest, the demo's operator approved those, the agent's actuator applied them and measured the effect ('networktwin decisions'):");
        await CliApp.RunAsync(["decisions", "--coordinator", coordinatorAddress], console, cancellationToken: ct).ConfigureAwait(false);
        console.MarkupLine("   The audit trail of every step ('networktwin audit'):");
        await CliApp.RunAsync(["audit", "--coordinator", coordinatorAddress], console, cancellationToken: ct).ConfigureAwait(false);
        if (learn)
        {
            var measured = decisions.Count(d => d.State is "confirmed" or "violated" or "rolled-back");
            delivered &= Step(console, measured > 0, $"a decision applied by the agent and judged on its measured effect ({measured} of {decisions.Count})");
        }

        await agent.DisposeAsync().ConfigureAwait(false);
        await coordinator.StopAsync(ct).ConfigureAwait(false);
        return delivered;
    }

    /// <summary>The windows per link the demo's coordinator learns from (the smallest it allows).</summary>
    private const int LearnAfterWindows = 30;

    /// <summary>Shorter captures do not give the agent (one evaluation a second) the windows to learn from and then forecast with.</summary>
    public const double MinLearningSeconds = 30;

    private const string NotTrained = "not-trained";

    /// <summary>At most this many passes of the capture before the missing steps are reported as failed.</summary>
    private const int MaxPasses = 4;

    /// <summary>Prints a step's own check: a green tick or a red cross with what did not happen.</summary>
    private static bool Step(IAnsiConsole console, bool ok, string what)
    {
        console.MarkupLine(ok ? $"   [green]ok[/]: {Markup.Escape(what)}" : $"   [red]failed[/]: {Markup.Escape(what)}");
        return ok;
    }

    /// <summary>Waits (up to 30 s) until no decision is still on its way (approved, sent, or applied without a measured effect yet); returns them all.</summary>
    private static async Task<IReadOnlyList<Decision>> WaitForVerdictsAsync(Operators.OperatorsClient operators, CancellationToken ct)
    {
        var until = DateTimeOffset.UtcNow.AddSeconds(30);
        while (true)
        {
            var list = await operators.ListDecisionsAsync(new ListDecisionsRequest(), cancellationToken: ct).ResponseAsync.ConfigureAwait(false);
            if (DateTimeOffset.UtcNow >= until || list.Decisions.All(d => d.State is not ("approved" or "sent" or "applied")))
            {
                return list.Decisions;
            }

            await Task.Delay(500, ct).ConfigureAwait(false);
        }
    }

    private static string Line(ReplayProgress p, AgentStatusDocument? status, int pass) => string.Create(
        CultureInfo.InvariantCulture,
        $"   {(pass > 0 ? $"pass {pass + 1}: " : string.Empty)}replayed {p.DataSeconds:0.0}/{p.TotalSeconds:0.0} s, {p.Rows:N0} rows; agent: {status?.Ingest.Rows ?? 0:N0} rows applied, {status?.Links.Count ?? 0} links, capacities {string.Join(" / ", status?.Links.Select(l => l.CapacityGbps.ToString("0.0", CultureInfo.InvariantCulture)) ?? [])} Gbit/s, forecasts {status?.Forecast?.Forecasts ?? 0} (model v{status?.Forecast?.ModelVersion ?? 0})");

    private static Rows Frame(ReplayProgress p, double speed, AgentStatusDocument? status, int pass)
    {
        var head = new Markup(string.Create(
            CultureInfo.InvariantCulture,
            $"[bold]replaying[/]{(pass > 0 ? $" (pass {pass + 1})" : string.Empty)} {p.DataSeconds:0.0} / {p.TotalSeconds:0.0} s of data at {speed:0.#}x real time: {p.Messages:N0} messages, {p.Rows:N0} rows"));
        return status is null
            ? new Rows(head, new Markup("waiting for the agent's first status..."))
            : new Rows(head, AgentStatusRenderer.Render(status, DateTimeOffset.UtcNow, showCells: false));
    }
}
