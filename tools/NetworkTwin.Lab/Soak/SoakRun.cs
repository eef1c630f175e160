using System.Diagnostics;
using System.Globalization;
using System.Text;
using NetworkTwin.Analytics.Scenario;
using NetworkTwin.Contracts.Status;
using NetworkTwin.Mqtt.Client;
using NetworkTwin.Telemetry.Replay;
using NetworkTwin.Telemetry.Scenario;
using NetworkTwin.Testing.Launchers;
using Npgsql;
using static System.FormattableString;

namespace NetworkTwin.Lab.Soak;

/// <summary>The soak's verdict and its report (markdown).</summary>
public sealed record SoakReport(bool Passed, string Markdown);

/// <summary>
/// One soak: the services as real processes (two agents, a coordinator on a throw-away PostgreSQL, mosquitto),
/// telemetry replayed at real time for each agent's site, faults one after another, memory sampled every 10 s,
/// then the checks. agent-a reaches the coordinator through <see cref="FaultyProxy"/> and keeps its data on a small
/// tmpfs (when run as root) so that its disk can be filled; agent-b runs under libfaketime so its clock can be stepped.
/// </summary>
internal sealed class SoakRun : IAsyncDisposable
{
    private static readonly string[] FaketimeLibraries = ["/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1", "/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1"];
    private static readonly string[] Processes = ["coordinator", "agent-a", "agent-b", "mosquitto", "postgres"];
    private static readonly TimeSpan Settle = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan SampleEvery = TimeSpan.FromSeconds(10);
    private readonly SoakSettings _settings;
    private readonly Action<string> _say;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<FaultRecord> _faults = [];
    private readonly List<(TimeSpan At, Dictionary<string, long> Rss)> _samples = [];
    private readonly List<string> _crashes = [];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _killing = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _pendingPeak = new(StringComparer.Ordinal);
    private PostgresCluster _database = null!;
    private MosquittoBroker _broker = null!;
    private ServiceProcess _coordinator = null!;
    private FaultyProxy _proxy = null!;
    private readonly Dictionary<string, AgentProcess> _agents = [];
    private int _coordinatorPort;
    private int _coordinatorMetrics;
    private string? _faketime;
    private bool _smallDisk;

    private SoakRun(SoakSettings settings, Action<string> say)
    {
        _settings = settings;
        _say = say;
    }

    private string Central => Path.Combine(_settings.Folder, "central");

    private string ClockFile => Path.Combine(_settings.Folder, "agent-b.clock");

    private string DiskOfA => Path.Combine(_settings.Folder, "agent-a");

    public static async Task<SoakReport> RunAsync(SoakSettings settings, Action<string> say, CancellationToken ct)
    {
        await using var run = new SoakRun(settings, say);
        return await run.RunAsync(ct).ConfigureAwait(false);
    }

    private async Task<SoakReport> RunAsync(CancellationToken ct)
    {
        await StartAsync(ct).ConfigureAwait(false);
        using var replaying = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var replays = new[] { ReplayAsync("a", 11, replaying.Token), ReplayAsync("b", 12, replaying.Token) };
        var chaos = ChaosAsync(ct);
        var end = _settings.Duration;
        while (_clock.Elapsed < end)
        {
            await Task.Delay(SampleEvery, ct).ConfigureAwait(false);
            await SampleAsync(ct).ConfigureAwait(false);
        }

        await chaos.ConfigureAwait(false);
        await replaying.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(replays).ConfigureAwait(false);
        _say(Invariant($"{_clock.Elapsed:hh\\:mm\\:ss} replay stopped; waiting for both outboxes to drain"));
        var drained = await DrainAsync(ct).ConfigureAwait(false);
        var duplicates = await ScrapeAsync("networktwin_central_results_duplicate_total", ct).ConfigureAwait(false);

        // The agents go on analysing the last window for a while: stopped first, their outboxes are then read as they
        // were left (the last sequence given, what the bound dropped, what was still to send), not a status file behind.
        var outboxes = new Dictionary<string, OutboxLeft>(StringComparer.Ordinal);
        foreach (var (name, agent) in _agents)
        {
            await agent.DisposeAsync().ConfigureAwait(false);
            outboxes["agent-" + name] = OutboxLeft.Read(Path.Combine(agent.DataDirectory, "outbox.db"));
        }

        var stored = await StoredAsync(ct).ConfigureAwait(false);
        return Report(outboxes, stored, drained, duplicates);
    }

    private async Task StartAsync(CancellationToken ct)
    {
        if (Directory.Exists(_settings.Folder))
        {
            await RunToolAsync("umount", "-l", DiskOfA).ConfigureAwait(false);
            Directory.Delete(_settings.Folder, recursive: true);
        }

        Directory.CreateDirectory(DiskOfA);
        _smallDisk = Environment.UserName == "root" && await RunToolAsync("mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", DiskOfA).ConfigureAwait(false) == 0;
        _faketime = FaketimeLibraries.FirstOrDefault(File.Exists);
        _say(Invariant($"folder {_settings.Folder}; agent-a's disk: {(_smallDisk ? "a 48 MB tmpfs" : "the folder's (not root: no disk-full fault)")}; agent-b's clock: {(_faketime is null ? "real (no libfaketime: install faketime)" : "libfaketime")}"));

        _database = await PostgresCluster.StartAsync(LoopbackPort.Free(), ct).ConfigureAwait(false);
        _broker = await MosquittoBroker.StartAsync(cancellationToken: ct).ConfigureAwait(false);
        _coordinatorPort = LoopbackPort.Free();
        _coordinatorMetrics = LoopbackPort.Free();
        StartCoordinator();
        _proxy = new FaultyProxy(_coordinatorPort);
        await File.WriteAllTextAsync(ClockFile, "+0", ct).ConfigureAwait(false);
        StartAgent("a");
        StartAgent("b");
        foreach (var agent in _agents.Values)
        {
            await agent.WaitForStatusAsync(s => s.Broker is { Connected: true } && s.Coordinator is { Connected: true }, "connected to the broker and the coordinator", TimeSpan.FromSeconds(60), ct).ConfigureAwait(false);
        }

        _say(Invariant($"PostgreSQL on {_database.Port}, mosquitto on {_broker.Port}, coordinator on {_coordinatorPort} (agent-a through the faulty proxy on {_proxy.Port}); both agents connected"));
    }

    private void StartCoordinator() => _coordinator = ServiceProcess.Start(_settings.CentralPath, Path.Combine(Central, "console.log"), new Dictionary<string, string>
    {
        ["Coordinator:Port"] = _coordinatorPort.ToString(CultureInfo.InvariantCulture),
        ["Coordinator:DataDirectory"] = Central,
        ["Coordinator:Repository:Provider"] = "postgresql",
        ["Coordinator:Repository:ConnectionString"] = _database.ConnectionString,
        ["Coordinator:Metrics:Port"] = _coordinatorMetrics.ToString(CultureInfo.InvariantCulture),
        ["Coordinator:Logging:ConsoleLevel"] = "Warning",
    });

    private void StartAgent(string name)
    {
        var settings = new Dictionary<string, string>
        {
            ["Mqtt:Port"] = _broker.Port.ToString(CultureInfo.InvariantCulture),
            ["Agent:Site"] = name,
            ["Agent:Analysis:DeclaredLinks"] = "2",
            ["Agent:Coordinator:Address"] = Invariant($"http://127.0.0.1:{(name == "a" ? _proxy.Port : _coordinatorPort)}"),
            ["Agent:Coordinator:AgentId"] = "agent-" + name,
            ["Agent:Metrics:Port"] = "0",
            ["Agent:Logging:ConsoleLevel"] = "Warning",
        };
        var environment = name == "b" && _faketime is not null
            ? new Dictionary<string, string>
            {
                ["LD_PRELOAD"] = _faketime,
                ["FAKETIME_TIMESTAMP_FILE"] = ClockFile,
                ["FAKETIME_CACHE_DURATION"] = "1",
                ["FAKETIME_DONT_FAKE_MONOTONIC"] = "1",
            }
            : null;
        _agents[name] = AgentProcess.Start(_settings.AgentPath, name == "a" ? DiskOfA : Path.Combine(_settings.Folder, "agent-b"), settings, environment);
    }

    /// <summary>A generated capture of one site, replayed at real time over and over (data time keeps going forward).</summary>
    private async Task ReplayAsync(string site, int seed, CancellationToken ct)
    {
        var folder = Path.Combine(_settings.Folder, "capture-" + site);
        await ScenarioWriter.WriteAsync(FronthaulScenarioGenerator.Generate(new ScenarioSpec { Cells = 8, Links = 2, CellsPerRu = 2, DurationSeconds = 30, Seed = seed }), folder, null, ct).ConfigureAwait(false);
        var source = await ReplaySource.LoadAsync(folder, null, ct).ConfigureAwait(false);
        var duration = source.EndSeconds - source.StartSeconds;
        await using var publisher = new MqttClient(new MqttClientOptions { Port = _broker.Port, ClientId = "soak-replay-" + site, CleanSession = true });
        publisher.Start();
        for (var pass = 0; !ct.IsCancellationRequested; pass++)
        {
            try
            {
                await publisher.WaitConnectedAsync(ct).ConfigureAwait(false);
                await TelemetryReplayer.RunAsync(source, publisher, new ReplayOptions { Site = site, Speed = 1, ShiftSeconds = pass * (duration + 1) }, null, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException or TimeoutException)
            {
                // The broker went away mid-pass (a fault): the next pass starts once it is back.
            }
        }
    }

    private async Task ChaosAsync(CancellationToken ct)
    {
        var faults = Faults();
        for (var k = 1; ; k++)
        {
            var at = _settings.FaultEvery * k;
            if (at + TimeSpan.FromSeconds(60) > _settings.Duration - Settle)
            {
                return;
            }

            await Task.Delay(at - _clock.Elapsed is { } wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero, ct).ConfigureAwait(false);
            var fault = faults[(k - 1) % faults.Count];
            var record = new FaultRecord(fault.Name, _clock.Elapsed, DateTime.UtcNow, fault.Log, fault.Evidence);
            _faults.Add(record);
            _say(Invariant($"{_clock.Elapsed:hh\\:mm\\:ss} fault: {fault.Name}"));
            await fault.Run(ct).ConfigureAwait(false);
            record.Ended = _clock.Elapsed;
        }
    }

    private List<Fault> Faults()
    {
        var faults = new List<Fault>();
        if (_smallDisk)
        {
            faults.Add(new("agent-a's disk full for 60 s", "agent-a", "Cannot write the", async ct =>
            {
                var filler = Path.Combine(DiskOfA, "filler");
                await FillAsync(filler).ConfigureAwait(false);
                await Task.Delay(TimeSpan.FromSeconds(60), ct).ConfigureAwait(false);
                File.Delete(filler);
            }));
        }

        if (_faketime is not null)
        {
            faults.Add(new("agent-b's clock stepped 1 h ahead for 60 s", "coordinator", "ahead of the coordinator's clock", async ct =>
            {
                await File.WriteAllTextAsync(ClockFile, "+1h", ct).ConfigureAwait(false);
                await Task.Delay(TimeSpan.FromSeconds(60), ct).ConfigureAwait(false);
                await File.WriteAllTextAsync(ClockFile, "+0", ct).ConfigureAwait(false);
            }));
        }

        faults.AddRange(
        [
            new("PostgreSQL restarted (fast shutdown)", "coordinator", "[ERR]", async ct => await _database.RestartAsync(ct).ConfigureAwait(false)),
            new("mosquitto restarted", "agent-a", "Lost the connection to MQTT broker", async ct =>
            {
                await _broker.StopAsync().ConfigureAwait(false);
                await Task.Delay(TimeSpan.FromSeconds(10), ct).ConfigureAwait(false);
                await _broker.RestartAsync(ct).ConfigureAwait(false);
            }),
            new("proxy drops everything for 45 s (agent-a to coordinator)", "agent-a", "Cannot reach the coordinator", async ct => await ProxyAsync(ProxyFault.Drop, TimeSpan.FromSeconds(45), ct).ConfigureAwait(false)),
            new("coordinator restarted (SIGTERM, start)", "agent-a", "Cannot reach the coordinator", async ct =>
            {
                _killing["coordinator"] = true;
                await _coordinator.DisposeAsync().ConfigureAwait(false);
                await Task.Delay(TimeSpan.FromSeconds(10), ct).ConfigureAwait(false);
                StartCoordinator();
                _killing.TryRemove("coordinator", out _);
            }),
            new("agent-b killed (kill -9), started again", "coordinator", "Agent agent-b (site b", async ct =>
            {
                _killing["agent-b"] = true;
                await _agents["b"].KillAsync().ConfigureAwait(false);
                await Task.Delay(TimeSpan.FromSeconds(5), ct).ConfigureAwait(false);
                StartAgent("b");
                _killing.TryRemove("agent-b", out _);
            }),
            new("proxy delays every chunk 800 ms for 60 s", "metrics", "agent-a's outbox held results", async ct => await ProxyAsync(ProxyFault.Delay, TimeSpan.FromSeconds(60), ct).ConfigureAwait(false)),
            new("proxy resets every connection for 30 s", "agent-a", "Cannot reach the coordinator", async ct => await ProxyAsync(ProxyFault.Reset, TimeSpan.FromSeconds(30), ct).ConfigureAwait(false)),
        ]);
        return faults;
    }

    private async Task ProxyAsync(ProxyFault fault, TimeSpan duration, CancellationToken ct)
    {
        _proxy.Fault = fault;
        await Task.Delay(duration, ct).ConfigureAwait(false);
        _proxy.Fault = ProxyFault.None;
    }

    private static async Task FillAsync(string path)
    {
        await using var fill = new FileStream(path, FileMode.Create);
        var block = new byte[1 << 16];
        try
        {
            while (true)
            {
                await fill.WriteAsync(block).ConfigureAwait(false);
                await fill.FlushAsync().ConfigureAwait(false);
            }
        }
        catch (IOException)
        {
            // Full.
        }
    }

    /// <summary>Resident memory of every process, and any that exited without being told to (restarted, as systemd would).</summary>
    private async Task SampleAsync(CancellationToken ct)
    {
        // A process the chaos is restarting right now counts as 0 in this sample.
        var rss = new Dictionary<string, long>(StringComparer.Ordinal)
        {
            ["coordinator"] = _killing.ContainsKey("coordinator") ? 0 : _coordinator.Memory().Rss,
            ["agent-a"] = _agents["a"].Memory().Rss,
            ["agent-b"] = _killing.ContainsKey("agent-b") ? 0 : _agents["b"].Memory().Rss,
            ["mosquitto"] = _broker.ProcessId is { } broker ? Rss(broker) : 0,
            ["postgres"] = PostmasterRss(),
        };
        _samples.Add((_clock.Elapsed, rss));
        if (_coordinator.HasExited && !_killing.ContainsKey("coordinator"))
        {
            _crashes.Add(Invariant($"{_clock.Elapsed:hh\\:mm\\:ss} coordinator exited with code {_coordinator.ExitCode}"));
            StartCoordinator();
        }

        foreach (var name in new[] { "a", "b" })
        {
            if (_agents[name].HasExited && !_killing.ContainsKey("agent-" + name))
            {
                _crashes.Add(Invariant($"{_clock.Elapsed:hh\\:mm\\:ss} agent-{name} exited on its own"));
                StartAgent(name);
            }

            if (await _agents[name].TryReadStatusAsync(ct).ConfigureAwait(false) is { Outbox: { } outbox })
            {
                _pendingPeak["agent-" + name] = Math.Max(_pendingPeak.GetValueOrDefault("agent-" + name), outbox.Pending);
                foreach (var f in _faults.Where(f => f.Log == "metrics" && f.Ended is null && name == "a" && outbox.Pending > 0 && f.Found is null))
                {
                    f.Found = Invariant($"networktwin_agent_outbox_pending = {outbox.Pending} at {_clock.Elapsed:hh\\:mm\\:ss}");
                }
            }
        }

        if (_samples.Count % 12 == 0)
        {
            _say(Invariant($"{_clock.Elapsed:hh\\:mm\\:ss} RSS MB: {string.Join(", ", rss.Select(r => $"{r.Key} {r.Value / 1048576.0:F0}"))}"));
        }
    }

    private long PostmasterRss()
    {
        var pidFile = Path.Combine(_database.Directory, "data", "postmaster.pid");
        try
        {
            return File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).First(), CultureInfo.InvariantCulture, out var pid) ? Rss(pid) : 0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static long Rss(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private async Task<bool> DrainAsync(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMinutes(3))
        {
            var statuses = await Task.WhenAll(_agents.Values.Select(a => a.TryReadStatusAsync(ct))).ConfigureAwait(false);
            if (statuses.All(s => s is { Outbox.Pending: 0, Coordinator.Connected: true }))
            {
                return true;
            }

            await Task.Delay(1000, ct).ConfigureAwait(false);
        }

        return false;
    }

    private async Task<double> ScrapeAsync(string metric, CancellationToken ct)
    {
        using var http = new HttpClient();
        try
        {
            var text = await http.GetStringAsync(new Uri(Invariant($"http://127.0.0.1:{_coordinatorMetrics}/metrics")), ct).ConfigureAwait(false);
            return text.Split('\n').Where(l => l.StartsWith(metric, StringComparison.Ordinal)).Select(l => double.Parse(l.Split(' ')[^1], CultureInfo.InvariantCulture)).Sum();
        }
        catch (HttpRequestException)
        {
            return double.NaN;
        }
    }

    private async Task<Dictionary<string, (long Count, long Min, long Max)>> StoredAsync(CancellationToken ct)
    {
        var stored = new Dictionary<string, (long, long, long)>(StringComparer.Ordinal);
        await using var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync(ct).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("SELECT agent_id, COUNT(*), MIN(sequence), MAX(sequence) FROM results GROUP BY agent_id", connection);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            stored[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
        }

        return stored;
    }

    private SoakReport Report(Dictionary<string, OutboxLeft> outboxes, Dictionary<string, (long Count, long Min, long Max)> stored, bool drained, double duplicates)
    {
        var md = new StringBuilder();
        var passed = true;
        md.AppendLine(Invariant($"# Soak: {_settings.Duration.TotalMinutes:0} min, a fault every {_settings.FaultEvery.TotalSeconds:0} s"));
        md.AppendLine();
        md.AppendLine("## Faults, and where each shows");
        md.AppendLine();
        md.AppendLine("| at | fault | lasted | seen in | evidence |");
        md.AppendLine("|---|---|---|---|---|");
        foreach (var f in _faults)
        {
            f.Found ??= Evidence(f);
            passed &= f.Found is not null;
            md.AppendLine(Invariant($"| {f.At:hh\\:mm\\:ss} | {f.Name} | {((f.Ended ?? f.At) - f.At).TotalSeconds:0} s | {f.Log} | {(f.Found is null ? "**not found**: " + f.Evidence : "`" + Trim(f.Found) + "`")} |"));
        }

        md.AppendLine();
        md.AppendLine("## Every result stored once");
        md.AppendLine();
        md.AppendLine("| agent | last sequence given | dropped by its outbox | left in its outbox at stop | stored at the coordinator | lowest..highest stored | verdict |");
        md.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var (id, outbox) in outboxes)
        {
            var (count, min, max) = stored.GetValueOrDefault(id);

            // Each sequence once (the key), none missing: what was stored, what waits and what the bound dropped make up
            // every sequence given, and what waits is the newest.
            var once = count + outbox.Pending + outbox.Dropped == outbox.LastSequence && max == outbox.LastSequence - outbox.Pending;
            passed &= once;
            md.AppendLine(Invariant($"| {id} | {outbox.LastSequence} | {outbox.Dropped} | {outbox.Pending} | {count} | {min}..{max} | {(once ? "each once, none missing" : "**MISMATCH**")} |"));
        }

        md.AppendLine();
        md.AppendLine(Invariant($"Results an agent resent after a lost acknowledgement and the coordinator kept once: {duplicates:0}. Outboxes drained at the end: {(drained ? "yes" : "**no**")}; peak pending during the run: {string.Join(", ", _pendingPeak.Select(p => $"{p.Key} {p.Value}"))}."));
        passed &= drained;
        md.AppendLine();
        md.AppendLine("## Crashes (a process that exited without being stopped or killed by the soak)");
        md.AppendLine();
        md.AppendLine(_crashes.Count == 0 ? "None." : string.Join(Environment.NewLine, _crashes.Select(c => "- " + c)));
        passed &= _crashes.Count == 0;
        md.AppendLine();
        md.AppendLine("## Resident memory (MB), every 2 minutes");
        md.AppendLine();
        var names = Processes;
        md.AppendLine("| at | " + string.Join(" | ", names) + " |");
        md.AppendLine("|---|" + string.Concat(names.Select(_ => "---|")));
        foreach (var (at, rss) in _samples.Where((_, i) => (i + 1) % 12 == 0))
        {
            md.AppendLine(Invariant($"| {at:hh\\:mm\\:ss} | ") + string.Join(" | ", names.Select(n => Invariant($"{rss.GetValueOrDefault(n) / 1048576.0:F0}"))) + " |");
        }

        // Flat: after a 5-minute warm-up, the last third's mean within 20% of the middle third's.
        md.AppendLine();
        var warm = _samples.Where(s => s.At > TimeSpan.FromMinutes(5)).ToList();
        foreach (var name in names)
        {
            var values = warm.Select(s => s.Rss.GetValueOrDefault(name)).Where(v => v > 0).ToList();
            if (values.Count < 6)
            {
                continue;
            }

            var third = values.Count / 3;
            var middle = values.Skip(third).Take(third).Average();
            var last = values.Skip(values.Count - third).Average();
            var growth = (last - middle) / middle;
            var flat = growth < 0.20;
            passed &= flat;
            md.AppendLine(Invariant($"- {name}: {middle / 1048576.0:F0} MB in the middle third, {last / 1048576.0:F0} MB in the last ({growth:+0%;-0%}): {(flat ? "flat" : "**growing**")}"));
        }

        md.AppendLine();
        md.AppendLine(passed ? "**Passed.**" : "**Failed**: see the items in bold.");
        return new SoakReport(passed, md.ToString());
    }

    /// <summary>The first line of the fault's log written at or after its start that holds its evidence.</summary>
    private string? Evidence(FaultRecord fault)
    {
        var folder = fault.Log switch
        {
            "agent-a" => Path.Combine(DiskOfA, "logs"),
            "agent-b" => Path.Combine(_settings.Folder, "agent-b", "logs"),
            _ => Path.Combine(Central, "logs"),
        };
        if (!Directory.Exists(folder))
        {
            return null;
        }

        var since = fault.StartedUtc.AddSeconds(-1).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        return Directory.GetFiles(folder, "*.log").Order(StringComparer.Ordinal)
            .SelectMany(f => ReadShared(f))
            .FirstOrDefault(l => l.Length > 19 && string.CompareOrdinal(l[..19], since) >= 0 && l.Contains(fault.Evidence, StringComparison.Ordinal));
    }

    private static IEnumerable<string> ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            yield return line;
        }
    }

    private static string Trim(string line) => (line.Length > 220 ? line[..220] + "..." : line).Replace("|", "/", StringComparison.Ordinal);

    private static async Task<int> RunToolAsync(string file, params string[] args)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false })!;
            await process.WaitForExitAsync().ConfigureAwait(false);
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }

    /// <summary>Stops everything the soak started, and unmounts agent-a's disk after copying its logs out.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var agent in _agents.Values)
        {
            await agent.DisposeAsync().ConfigureAwait(false);
        }

        if (_coordinator is not null)
        {
            await _coordinator.DisposeAsync().ConfigureAwait(false);
        }

        if (_proxy is not null)
        {
            await _proxy.DisposeAsync().ConfigureAwait(false);
        }

        if (_broker is not null)
        {
            await _broker.DisposeAsync().ConfigureAwait(false);
        }

        if (_database is not null)
        {
            await _database.DisposeAsync().ConfigureAwait(false);
        }

        if (_smallDisk)
        {
            // The logs and outbox of agent-a are copied out before the tmpfs goes.
            var kept = Path.Combine(_settings.Folder, "agent-a-kept");
            Directory.CreateDirectory(kept);
            // A run that stopped before agent-a started has no logs to keep.
            var logs = Path.Combine(DiskOfA, "logs");
            foreach (var file in Directory.Exists(logs) ? Directory.GetFiles(logs) : [])
            {
                File.Copy(file, Path.Combine(kept, Path.GetFileName(file)), overwrite: true);
            }

            await RunToolAsync("umount", "-l", DiskOfA).ConfigureAwait(false);
        }
    }

    /// <summary>An agent's outbox file as the stopped agent left it.</summary>
    private sealed record OutboxLeft(long LastSequence, long Dropped, long Pending)
    {
        public static OutboxLeft Read(string path)
        {
            using var connection = new Microsoft.Data.Sqlite.SqliteConnection(new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder { DataSource = path, Mode = Microsoft.Data.Sqlite.SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT IFNULL((SELECT seq FROM sqlite_sequence WHERE name = 'outbox'), 0),
                       (SELECT value FROM outbox_counters WHERE name = 'dropped'),
                       (SELECT COUNT(*) FROM outbox)
                """;
            using var reader = command.ExecuteReader();
            reader.Read();
            return new OutboxLeft(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
        }
    }

    private sealed record Fault(string Name, string Log, string Evidence, Func<CancellationToken, Task> Run);

    private sealed record FaultRecord(string Name, TimeSpan At, DateTime StartedUtc, string Log, string Evidence)
    {
        public TimeSpan? Ended { get; set; }

        public string? Found { get; set; }
    }
}
