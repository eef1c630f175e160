using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using NetworkTwin.Agent.Hosting;
using NetworkTwin.Analytics.Scenario;
using NetworkTwin.Central.Service;
using NetworkTwin.Contracts.Operators;
using NetworkTwin.Mqtt.Client;
using NetworkTwin.Telemetry.Replay;
using NetworkTwin.Testing;
using NetworkTwin.Testing.Launchers;

namespace NetworkTwin.Central.Tests.Control;

/// <summary>
/// The closed loop with real parts on loopback: mosquitto, a coordinator on SQLite, an agent whose
/// links are provisioned far below what the replayed telemetry needs, and its default actuator with
/// a real hook script. Congestion leads to proposals, the policy holds them, an operator approves one
/// (over gRPC, as the CLI does) and rejects another (from the dashboard), the agent applies the approved target and measures its effect, and the audit
/// trail shows the whole chain.
/// </summary>
[Collection(MetricsReadAlone.Name)]
public sealed class GovernedControlTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nt-control-e2e-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task CongestedLink_ProposedHeldApprovedAppliedAndConfirmed_WithTheWholeChainAudited()
    {
        var (_, source) = await LoopbackTwin.CaptureAsync(_dir, new ScenarioSpec { Cells = 6, Links = 2, CellsPerRu = 2, DurationSeconds = 40, Seed = 11 });
        var hook = Path.Combine(_dir, "shaper-hook.sh");
        var hookLog = Path.Combine(_dir, "hook.log");
        await File.WriteAllTextAsync(hook, $"#!/bin/sh\necho \"$1 $2 $3 cells=$NETWORKTWIN_CELLS previous=$NETWORKTWIN_PREVIOUS_GBPS\" >> '{hookLog}'\necho \"shaper on link $1 set to $2 Gbit/s\"\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(hook, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        await using var broker = await MosquittoBroker.StartAsync();
        var port = LoopbackPort.Free();
        var web = LoopbackPort.Free();
        var central = LoopbackTwin.Coordinator(_dir, port, web);
        central["Coordinator:Learning:EveryMinutes"] = "0";
        central["Coordinator:Control:EverySeconds"] = "0.5";
        central["Coordinator:Control:Headroom"] = "0.3";
        central["Coordinator:Control:SettleSeconds"] = "10";
        central["Coordinator:Control:StepGbps"] = "0.1";
        central["Coordinator:Control:AutoApplyMaxCostPerMonth"] = "0";
        await using var coordinator = CoordinatorHost.Build([], c => c.AddInMemoryCollection(central));
        await coordinator.StartAsync();
        var settings = LoopbackTwin.Agent(_dir, "du-ctl", broker.Port, port, 0.25);
        settings["Agent:Ingest:Topics:0"] = "nt/lab/#";
        settings["Agent:Actuator:HookScript"] = hook;
        settings["Agent:Actuator:Installed:1"] = "0.01";
        settings["Agent:Actuator:Installed:2"] = "0.01";
        var agentData = settings["Agent:DataDirectory"]!;
        using var agent = AgentHost.Build([], c => c.AddInMemoryCollection(settings));
        await agent.StartAsync();
        await using var publisher = new MqttClient(new MqttClientOptions { Port = broker.Port, ClientId = "ctl-replayer", CleanSession = true });
        publisher.Start();
        using var channel = CoordinatorClients.Channel(port);
        await Poll.UntilAsync(async () => (await channel.Operators().ListAgentsAsync(new ListAgentsRequest())).Agents.Count == 1, "the agent registered", everyMilliseconds: 500);
        await AgentStatusFile.WaitSubscribedAsync(Path.Combine(_dir, "du-ctl"));
        using var stopReplay = new CancellationTokenSource();
        var replay = TelemetryReplayer.RunAsync(source, publisher, new ReplayOptions { Site = "lab", Speed = 1, Binary = true }, null, stopReplay.Token);

        // Both links are far below their need: the coordinator proposes raising them, and the policy
        // (nothing costs little enough to apply alone here) holds both for an operator.
        DecisionList held = null!;
        await Poll.UntilAsync(
            async () =>
            {
                held = await channel.Operators().ListDecisionsAsync(new ListDecisionsRequest { State = "held" });
                return held.Decisions.Count == 2;
            },
            "both congested links proposed and held",
            seconds: 30,
            everyMilliseconds: 250);
        Assert.All(held.Decisions, d =>
        {
            Assert.Equal(("raise-capacity", 0.01, "du-ctl"), (d.Action, d.FromGbps, d.AgentId));
            Assert.True(d.ToGbps >= d.NeededGbps * 1.3 - 1e-9, $"decision {d.DecisionId}: {d.ToGbps} for a need of {d.NeededGbps}");
            Assert.Contains("above the 0 the policy applies alone", d.Policy, StringComparison.Ordinal);
        });
        Assert.Empty((await channel.Operators().ListCommandsAsync(new ListCommandsRequest())).Commands);

        var chosen = held.Decisions.OrderBy(d => d.LinkId).First();
        var other = held.Decisions.OrderBy(d => d.LinkId).Last();
        var approved = await channel.Operators().DecideAsync(new DecideRequest { DecisionId = chosen.DecisionId, Approve = true, Operator = "ana", Note = "approved in the change meeting" });
        Assert.Equal("sent", approved.State);

        // The other one is rejected from the dashboard, in a real browser: its reject button, the note asked for, the page redrawn.
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{web}/") };
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["approve"] = "true" });
        Assert.Equal(System.Net.HttpStatusCode.UnsupportedMediaType, (await http.PostAsync(new Uri($"api/decisions/{other.DecisionId}", UriKind.Relative), form)).StatusCode);
        await using (var browser = await Dashboard.DashboardBrowser.OpenAsync(http.BaseAddress, "wait for the new line card"))
        {
            var button = browser.Page.Locator($"button.reject[data-decision='{other.DecisionId}']");
            await button.ClickAsync(new Microsoft.Playwright.LocatorClickOptions { Timeout = 20_000 });
            await browser.Page.Locator($"button.reject[data-decision='{other.DecisionId}']").WaitForAsync(new Microsoft.Playwright.LocatorWaitForOptions { State = Microsoft.Playwright.WaitForSelectorState.Detached, Timeout = 20_000 });
            await browser.ScreenshotAsync("dashboard-rejected.png");
        }

        using var twice = new StringContent("{\"approve\": true}", System.Text.Encoding.UTF8, "application/json");
        Assert.Equal(System.Net.HttpStatusCode.Conflict, (await http.PostAsync(new Uri($"api/decisions/{other.DecisionId}", UriKind.Relative), twice)).StatusCode);

        Decision done = null!;
        await Poll.UntilAsync(
            async () =>
            {
                done = (await channel.Operators().ListDecisionsAsync(new ListDecisionsRequest())).Decisions.Single(d => d.DecisionId == chosen.DecisionId);
                return done.State is "confirmed" or "violated" or "refused" or "rolled-back";
            },
            "the approved decision applied and its effect measured",
            seconds: 30,
            everyMilliseconds: 250);
        Assert.True(done.State == "confirmed", $"decision {done.DecisionId} is {done.State}: {done.Outcome}");
        Assert.InRange(done.EffectLossPercent, 0, done.LossTarget * 100);

        // The actuator: the targets file holds the new target and the hook ran with it.
        var targets = await File.ReadAllTextAsync(Path.Combine(agentData, "capacity-targets.json"));
        Assert.Contains(done.ToGbps.ToString("0.###", CultureInfo.InvariantCulture), targets, StringComparison.Ordinal);
        var hookLine = Assert.Single(await File.ReadAllLinesAsync(hookLog));
        Assert.Equal(FormattableString.Invariant($"{done.LinkId} {done.ToGbps:0.###} {done.CommandId} cells={string.Join(',', done.Cells)} previous=0.01"), hookLine);

        // The agent reports the target in force with its sizings from then on.
        await Poll.UntilAsync(
            async () => (await channel.Operators().ListLinksAsync(new ListLinksRequest())).Links.Any(l => l.Link.LinkId == done.LinkId && Math.Abs(l.Link.TargetGbps - done.ToGbps) < 1e-9),
            "the link's results carry the new target",
            everyMilliseconds: 250);
        await stopReplay.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => replay);

        // Operators see decisions by state in /metrics; field engineers see the target in the agent's status.
        var metrics = await http.GetStringAsync(new Uri("metrics", UriKind.Relative));
        Assert.Matches("networktwin_central_decisions\\{[^}]*state=\"confirmed\"\\} 1( |\n)", metrics);
        Assert.Matches("networktwin_central_decisions\\{[^}]*state=\"rejected\"\\} 1( |\n)", metrics);

        // A what-if run on the twin's state (the links' windows as they are now) shows on the dashboard too.
        var whatIfs = await channel.Operators().RunScenarioAsync(new ScenarioRequest { WhatIfs = { $"link-down:du-ctl/{done.LinkId}" } });
        Assert.Equal(2, whatIfs.Outcomes.Count);
        Assert.Contains($"du-ctl/{done.LinkId}'s cells moved to", whatIfs.Outcomes[1].Notes, StringComparison.Ordinal);

        // The dashboard in a real browser lists the decisions with their outcome, and the what-if run.
        var dom = await Topology.HeadlessChromium.DomAsync(new Uri($"http://127.0.0.1:{web}/"));
        Assert.Contains($"(run {whatIfs.RunId}, 2 what-ifs", dom, StringComparison.Ordinal);
        Assert.Contains(">confirmed<", dom, StringComparison.Ordinal);
        Assert.Contains(">rejected<", dom, StringComparison.Ordinal);
        Assert.Contains(done.Justification[..40], dom, StringComparison.Ordinal);

        var trail = await channel.Operators().ListAuditAsync(new ListAuditRequest { DecisionId = done.DecisionId });
        Assert.Equal(
            [("coordinator", "proposed"), ("policy", "held for approval"), ("operator:ana", "approved"), ("coordinator", "sent"), ("agent:du-ctl", "applied"), ("agent:du-ctl", "effect measured"), ("policy", "confirmed")],
            trail.Entries.Select(e => (e.Actor, e.Event)));
        Assert.Contains("shaper on link", trail.Entries[4].Detail, StringComparison.Ordinal);
        var otherTrail = await channel.Operators().ListAuditAsync(new ListAuditRequest { DecisionId = other.DecisionId });
        Assert.Equal([("coordinator", "proposed"), ("policy", "held for approval"), ("operator:dashboard", "rejected")], otherTrail.Entries.Select(e => (e.Actor, e.Event)));
        Assert.Equal("wait for the new line card", otherTrail.Entries[2].Detail);
        await agent.StopAsync();
    }
}
