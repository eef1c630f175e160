using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using NetworkTwin.Analytics.Scenario;
using NetworkTwin.Console.Agent;
using NetworkTwin.Console.Cli;
using NetworkTwin.Contracts.Status;
using NetworkTwin.Contracts.Telemetry;
using NetworkTwin.Mqtt;
using NetworkTwin.Mqtt.Client;
using NetworkTwin.Telemetry.Replay;
using NetworkTwin.Telemetry.Scenario;
using NetworkTwin.Testing.Launchers;
using Spectre.Console;
using static System.FormattableString;

namespace NetworkTwin.Lab.Bench;

/// <summary>
/// <c>networktwin-lab bench agent</c>: the edge agent's figures against a real mosquitto: ingest rate
/// next to mosquitto_sub on the same stream, publish-to-applied latency at 10k rows/s, and
/// resident memory with 24 cells live.
/// </summary>
public static class AgentBench
{
    public static Command Create(IAnsiConsole console)
    {
        var agentPath = new Option<string?>("--agent")
        {
            Description = "The agent to measure: networktwin-agent.dll (JIT) or a native networktwin-agent; found in the build tree by default. An arm64 one (out/packages/linux-arm64/agent) runs under qemu-aarch64 on x64, its memory counted apart from the emulator's.",
        };
        var messages = new Option<int>("--messages") { Description = "QoS 0 messages for the ingest figure.", DefaultValueFactory = _ => 200_000 };
        var seconds = new Option<double>("--latency-seconds") { Description = "Length of the 10k rows/s latency run.", DefaultValueFactory = _ => 10 };
        var window = new Option<double>("--window-s") { Description = "Agent window for the memory figure (Agent:Window:Seconds).", DefaultValueFactory = _ => 8 };
        var cells = new Option<int[]>("--cells")
        {
            Description = "Live cells for the memory and analysis figures, one run per count (e.g. --cells 24 96 200); 8 cells per link.",
            DefaultValueFactory = _ => [24],
            AllowMultipleArgumentsPerToken = true,
        };
        var only = new Option<string[]>("--only")
        {
            Description = "Figures to measure: ingest, latency, memory (the live agent with --cells), analysis (its window analysis in process, one core, with --cells) (default: all).",
            DefaultValueFactory = _ => ["ingest", "latency", "memory", "analysis"],
            AllowMultipleArgumentsPerToken = true,
        };
        var binary = new Option<bool>("--binary")
        {
            Description = "Replay the live cells (--only memory) as binary telemetry batches instead of text rows: what a site with hundreds of cells would publish.",
        };
        var batchMs = new Option<double>("--batch-ms")
        {
            Description = "Data time gathered into each replayed message per cell and kind (--only memory), as `networktwin lab replay --batch-ms`: 10 ms gives 100 messages a second per cell and kind.",
            DefaultValueFactory = _ => 10,
        };
        var command = new Command("agent", "Ingest rate vs mosquitto_sub, latency at 10k rows/s, and memory and window analysis with live cells (24 by default), on a real mosquitto.")
        {
            agentPath, messages, seconds, window, cells, only, binary, batchMs,
        };
        command.SetAction(async (parse, ct) =>
        {
            var path = AgentProcess.Locate(parse.GetValue(agentPath));
            if (!ServiceProcess.RunsOnDotnet(path) && Arm64Emulation.ElfMachine(path) is null)
            {
                throw new CliUsageException($"--agent: {path} is neither networktwin-agent.dll nor a native networktwin-agent executable.");
            }

            var n = BenchRuns.InRange(parse.GetValue(messages), 1000, 10_000_000, "--messages");

            var counts = parse.GetValue(cells) ?? [24];
            if (counts.Length == 0 || counts.Any(c => c is < 8 or > 400 || c % 8 != 0))
            {
                throw new CliUsageException($"--cells takes counts of 8..400 in steps of 8 (8 cells per link; got {string.Join(' ', counts)}).");
            }

            var figures = (parse.GetValue(only) ?? []).ToHashSet(StringComparer.OrdinalIgnoreCase);
            if (figures.Count == 0 || figures.Except(["ingest", "latency", "memory", "analysis"], StringComparer.OrdinalIgnoreCase).FirstOrDefault() is { } unknown)
            {
                throw new CliUsageException($"--only takes ingest, latency, memory and analysis (got {string.Join(' ', figures)}).");
            }

            var replay = new ReplayOptions { Site = "bench", Speed = 1, Binary = parse.GetValue(binary), BatchMilliseconds = parse.GetValue(batchMs) };
            if (replay.Validate() is [var invalid, ..])
            {
                throw new CliUsageException(invalid);
            }

            var work = Directory.CreateTempSubdirectory("nt-bench-agent-").FullName;
            var table = new Table().Border(TableBorder.Rounded).AddColumns("figure", "value", "target");
            try
            {
                if (figures.Contains("ingest"))
                {
                    await IngestAsync(console, table, path, work, n, ct).ConfigureAwait(false);
                }

                if (figures.Contains("latency"))
                {
                    await LatencyAsync(console, table, path, work, parse.GetValue(seconds), ct).ConfigureAwait(false);
                }

                if (figures.Contains("memory"))
                {
                    for (var i = 0; i < counts.Length; i++)
                    {
                        await MemoryAsync(console, table, path, work, parse.GetValue(window), counts[i], replay, first: i == 0, ct).ConfigureAwait(false);
                    }
                }

                if (figures.Contains("analysis"))
                {
                    foreach (var count in counts)
                    {
                        AnalysisBench.Measure(console, table, parse.GetValue(window), count);
                    }
                }
            }
            finally
            {
                Directory.Delete(work, recursive: true);
            }

            console.Write(table);
            console.MarkupLine(Markup.Escape($"agent {path}: {AgentProcess.BuildOf(path)}; {Environment.ProcessorCount} cores, .NET {Environment.Version}; broker mosquitto on loopback."));
            return CliApp.ExitOk;
        });
        return command;
    }

    private static Dictionary<string, string> Settings(MosquittoBroker broker, string window = "8") => new()
    {
        ["Mqtt:Port"] = broker.Port.ToString(CultureInfo.InvariantCulture),
        ["Agent:Site"] = "bench",
        ["Agent:Window:Seconds"] = window,
        ["Agent:Logging:ConsoleLevel"] = "Warning",
    };

    private static async Task<MqttClient> PublisherAsync(MosquittoBroker broker, CancellationToken ct)
    {
        var client = new MqttClient(new MqttClientOptions { Port = broker.Port, ClientId = "nt-bench-publisher", CleanSession = true });
        client.Start();
        await client.WaitConnectedAsync(ct).ConfigureAwait(false);
        return client;
    }

    /// <summary>The same QoS 0 stream to the agent and to mosquitto_sub at once; each one's time from first publish to last message.</summary>
    private static async Task IngestAsync(IAnsiConsole console, Table table, string agentPath, string work, int count, CancellationToken ct)
    {
        console.MarkupLine($"ingest: {count:N0} QoS 0 messages to the agent and to mosquitto_sub...");
        await using var broker = await MosquittoBroker.StartAsync(cancellationToken: ct).ConfigureAwait(false);
        await using var agent = AgentProcess.Start(agentPath, Path.Combine(work, "ingest"), Settings(broker));
        await agent.WaitForStatusAsync(s => s.Broker is { Connected: true }, "connected", TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
        var sub = Process.Start(new ProcessStartInfo("mosquitto_sub", ["-h", "127.0.0.1", "-p", broker.Port.ToString(CultureInfo.InvariantCulture), "-t", "nt/bench/+/throughput", "-q", "0", "-C", count.ToString(CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("cannot start mosquitto_sub (Debian: apt-get install mosquitto-clients)");
        var drain = sub.StandardOutput.BaseStream.CopyToAsync(Stream.Null, ct);
        await using var publisher = await PublisherAsync(broker, ct).ConfigureAwait(false);

        // Warm-up on a topic mosquitto_sub does not follow, until the agent has its subscription.
        while ((await agent.TryReadStatusAsync(ct).ConfigureAwait(false))?.Ingest.Messages is null or 0)
        {
            await publisher.PublishAsync(new MqttMessage("nt/bench/0/pkt-stats", "1.0 10 10 0\n"u8.ToArray()), ct).ConfigureAwait(false);
            await Task.Delay(200, ct).ConfigureAwait(false);
        }

        await Task.Delay(500, ct).ConfigureAwait(false);
        var before = (await agent.TryReadStatusAsync(ct).ConfigureAwait(false))!.Ingest.Messages;
        var payloads = Enumerable.Range(0, 1000).Select(i => System.Text.Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{10 + (i * 0.0000357):0.0000000} {i % 700}.5\n"))).ToArray();
        var topics = Enumerable.Range(1, 24).Select(c => new TelemetryTopic("bench", c, TelemetryKind.Throughput).ToString()).ToArray();
        var start = DateTimeOffset.UtcNow;
        var publish = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            await publisher.PublishAsync(new MqttMessage(topics[i % 24], payloads[i % payloads.Length]), ct).ConfigureAwait(false);
        }

        var publishSeconds = publish.Elapsed.TotalSeconds;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            timeout.CancelAfter(TimeSpan.FromSeconds(120));
            await sub.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }

        var subSeconds = (DateTimeOffset.UtcNow - start).TotalSeconds;
        await drain.ConfigureAwait(false);
        sub.Dispose();
        var status = await agent.WaitForStatusAsync(s => s.Ingest.Messages >= before + count, "every message", TimeSpan.FromSeconds(120), ct).ConfigureAwait(false);
        var agentSeconds = (status.Ingest.LastMessageAt!.Value - start).TotalSeconds;
        table.AddRow("publish, project client, QoS 0", Invariant($"{count / publishSeconds:N0} msgs/s"), "-");
        table.AddRow("mosquitto_sub ingest (same stream)", Invariant($"{count / subSeconds:N0} msgs/s ({subSeconds:0.00} s)"), "-");
        table.AddRow("agent ingest: decode + apply to windows", Invariant($"{count / agentSeconds:N0} msgs/s ({agentSeconds:0.00} s)"), "-");
        table.AddRow("agent vs mosquitto_sub", Invariant($"{subSeconds / agentSeconds:0.00}x"), ">= 1.0x");
    }

    /// <summary>10 rows per binary message, 1,000 messages/s: 10k rows/s, each stamped when published.</summary>
    private static async Task LatencyAsync(IAnsiConsole console, Table table, string agentPath, string work, double seconds, CancellationToken ct)
    {
        console.MarkupLine($"latency: 10,000 rows/s for {seconds:0} s...");
        await using var broker = await MosquittoBroker.StartAsync(cancellationToken: ct).ConfigureAwait(false);
        await using var agent = AgentProcess.Start(agentPath, Path.Combine(work, "latency"), Settings(broker));
        await agent.WaitForStatusAsync(s => s.Broker is { Connected: true }, "connected", TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
        await using var publisher = await PublisherAsync(broker, ct).ConfigureAwait(false);
        await Task.Delay(500, ct).ConfigureAwait(false);
        var topics = Enumerable.Range(1, 24).Select(c => new TelemetryTopic("bench", c, TelemetryKind.PacketStats).ToString()).ToArray();
        var times = new double[10];
        int[] tx = [.. Enumerable.Repeat(40, 10)], rx = [.. Enumerable.Repeat(39, 10)], late = new int[10];
        // Two seconds of warm-up first (JIT, first windows); the agent's percentiles cover its last 10,000 batches.
        var clock = Stopwatch.StartNew();
        var sent = 0;
        var measured = (int)(seconds * 1000);
        var total = measured + 2000;
        while (sent < total)
        {
            var due = (int)Math.Min(total, clock.Elapsed.TotalMilliseconds);
            for (; sent < due; sent++)
            {
                var dataTime = 1 + (sent * 0.001);
                for (var r = 0; r < 10; r++)
                {
                    times[r] = dataTime + (r * 0.0001);
                }

                var nowNanos = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;
                await publisher.PublishAsync(new MqttMessage(topics[sent % 24], BinaryTelemetryBatch.EncodePacketStats(times, tx, rx, late, nowNanos)), ct).ConfigureAwait(false);
            }

            await Task.Delay(1, ct).ConfigureAwait(false);
        }

        var status = await agent.WaitForStatusAsync(s => s.Latency.Samples >= total, "every stamped batch", TimeSpan.FromSeconds(60), ct).ConfigureAwait(false);
        table.AddRow(Invariant($"publish-to-applied latency p50 at 10k rows/s (last {Math.Min(measured, 10_000):N0} batches)"), Invariant($"{status.Latency.P50Ms:0.000} ms"), "-");
        table.AddRow("publish-to-applied latency p99 at 10k rows/s", Invariant($"{status.Latency.P99Ms:0.000} ms (max {status.Latency.MaxMs:0.0})"), "< 2 ms");
    }

    /// <summary>
    /// A generated capture of <paramref name="cells"/> cells (8 per link) replayed at real time; the agent's resident memory
    /// sampled throughout and its window analysis timed. The targets (issue 18): under 100 MB with 24 cells, and up to 200
    /// cells at most 1.5 MB per cell with each analysis done within 1 s of its 2 s interval.
    /// </summary>
    private static async Task MemoryAsync(IAnsiConsole console, Table table, string agentPath, string work, double window, int cells, ReplayOptions replayOptions, bool first, CancellationToken ct)
    {
        var payload = Invariant($"{(replayOptions.Binary ? "binary batches" : "text rows")}{(replayOptions.BatchMilliseconds == 10 ? string.Empty : $" of {replayOptions.BatchMilliseconds:0.#} ms")}");
        console.MarkupLine(Invariant($"memory: {cells} cells live at real time as {payload}, window {window:0.#} s..."));
        var capture = Path.Combine(work, Invariant($"capture-{cells}"));
        // The window fills, then eight more analyses (every 2 s) on a full window: the steady state an edge box runs in.
        var spec = new ScenarioSpec { Cells = cells, Links = cells / 8, DurationSeconds = (int)Math.Ceiling(window) + 16, Seed = 5 };
        await ScenarioWriter.WriteAsync(FronthaulScenarioGenerator.Generate(spec), capture, null, ct).ConfigureAwait(false);
        var source = await ReplaySource.LoadAsync(capture, null, ct).ConfigureAwait(false);
        await using var broker = await MosquittoBroker.StartAsync(cancellationToken: ct).ConfigureAwait(false);
        await using var agent = AgentProcess.Start(agentPath, Path.Combine(work, Invariant($"memory-{cells}")), Settings(broker, window.ToString(CultureInfo.InvariantCulture)));
        await agent.WaitForStatusAsync(s => s.Broker is { Connected: true }, "connected", TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
        var idle = agent.Memory().Rss;
        await using var publisher = await PublisherAsync(broker, ct).ConfigureAwait(false);
        var replay = TelemetryReplayer.RunAsync(source, publisher, replayOptions, null, ct);
        // Each analysis on a full window, by its number (the status is read four times a second, an analysis every 2 s).
        var full = new SortedDictionary<long, double>();
        while (!replay.IsCompleted)
        {
            // Under emulation the peak is the largest of these samples (the kernel's own peak counts the emulator too).
            if (agent.Emulated)
            {
                agent.Memory();
            }

            if (await agent.TryReadStatusAsync(ct).ConfigureAwait(false) is { Window: { DataTimeSeconds: { } data } live } && data >= window + 1)
            {
                full[live.Evaluations] = live.LastEvaluationMs;
            }

            await Task.WhenAny(replay, Task.Delay(250, ct)).ConfigureAwait(false);
        }

        await replay.ConfigureAwait(false);
        if (first)
        {
            table.AddRow("agent resident memory, idle (connected, no data)", Invariant($"{idle / 1048576.0:0} MB"), "-");
        }

        AgentStatusDocument status;
        try
        {
            status = await agent.WaitForStatusAsync(s => s.Ingest.Rows >= source.Rows, "every row", TimeSpan.FromSeconds(120), ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // An agent that cannot keep up (an emulated one, or cores too busy) gets a row that says so, not a crash.
            var behind = await agent.TryReadStatusAsync(ct).ConfigureAwait(false);
            table.AddRow(
                Invariant($"agent resident memory, {cells} cells live ({payload}), {window:0.#} s window"),
                Invariant($"not measured: the agent had applied {behind?.Ingest.Rows ?? 0:N0} of {source.Rows:N0} rows 120 s after the replay ended (it cannot keep up here)"),
                cells <= 24 ? "< 100 MB" : "<= 1.5 MB per cell");
            return;
        }

        var (rss, hwm) = agent.Memory();
        var perCell = (rss - idle) / 1048576.0 / cells;
        table.AddRow(
            Invariant($"agent resident memory, {cells} cells live ({payload}), {window:0.#} s window"),
            Invariant($"{rss / 1048576.0:0} MB now, peak {hwm / 1048576.0:0} MB{(agent.Emulated ? " (of samples every 250 ms)" : string.Empty)}, {perCell:0.00} MB per cell over idle (managed heap {status.ManagedHeapBytes / 1048576.0:0} MB, GC committed {status.ManagedCommittedBytes / 1048576.0:0} MB)"),
            cells <= 24 ? "< 100 MB" : "<= 1.5 MB per cell");
        table.AddRow(
            Invariant($"window analysis, {cells} cells live ({payload}; discovery, clocks, capacity)"),
            full.Count == 0
                ? Invariant($"no analysis finished on a full window (last {status.Window.LastEvaluationMs:0} ms); {status.Links.Count} of {spec.Links} links")
                : Invariant($"median {NetworkTwin.Analytics.Statistics.Quantile.Select([.. full.Values], 0.5):0} ms, slowest {full.Values.Max():0} ms over {full.Count} analyses of a full window; every 2 s; {status.Links.Count} of {spec.Links} links, {status.Ingest.LateRows:N0} late rows"),
            "<= 1000 ms");
    }
}
