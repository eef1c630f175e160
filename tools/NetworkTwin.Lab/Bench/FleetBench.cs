using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Grpc.Net.Client;
using NetworkTwin.Central.Repository;
using NetworkTwin.Console.Cli;
using NetworkTwin.Contracts.Sync;
using NetworkTwin.Hosting.Grpc;
using NetworkTwin.Testing.Launchers;
using Npgsql;
using Spectre.Console;
using static System.FormattableString;
using Command = System.CommandLine.Command;

namespace NetworkTwin.Lab.Bench;

/// <summary>
/// <c>networktwin-lab bench fleet</c>: thousands of simulated agents over real gRPC against coordinator replicas (separate
/// processes) behind Debian's HAProxy, on one throw-away PostgreSQL; the replica holding the singleton lease is killed
/// part way. Prints what was stored, the acknowledgement latency, the singleton loops' round times, the database's
/// growth, each process's CPU and memory, and whether every result was stored exactly once.
/// </summary>
public static partial class FleetBench
{
    public static Command Create(IAnsiConsole console)
    {
        var agents = new Option<int>("--agents") { Description = "Simulated agents.", DefaultValueFactory = _ => 10_000 };
        var links = new Option<int>("--links") { Description = "Links per agent (each with a result per window; one loss evidence per window besides).", DefaultValueFactory = _ => 3 };
        var every = new Option<double>("--every") { Description = "Seconds between an agent's windows.", DefaultValueFactory = _ => 2 };
        var minutes = new Option<double>("--minutes") { Description = "Length of the run.", DefaultValueFactory = _ => 10 };
        var replicas = new Option<int>("--replicas") { Description = "Coordinator replicas behind the balancer.", DefaultValueFactory = _ => 2 };
        var connections = new Option<int>("--connections") { Description = "HTTP/2 connections the agents share (0: one per 20 agents).", DefaultValueFactory = _ => 0 };
        var killAt = new Option<double>("--kill-at") { Description = "Fraction of the run at which the lease holder is killed (0: none).", DefaultValueFactory = _ => 0.4 };
        var central = new Option<string?>("--central") { Description = "networktwin-central binary (default: the build in this tree, or $NETWORKTWIN_CENTRAL)." };
        var command = new Command("fleet", "Thousands of agents against coordinator replicas on PostgreSQL behind HAProxy; the lease holder killed part way.")
        {
            agents, links, every, minutes, replicas, connections, killAt, central,
        };
        command.SetAction(async (parse, ct) =>
        {
            // Out of range is an error naming the option, not a run of some other size.
            var fleet = BenchRuns.InRange(parse.GetValue(agents), 1, 100_000, "--agents");
            var settings = new FleetSettings(
                fleet,
                BenchRuns.InRange(parse.GetValue(links), 1, 64, "--links"),
                TimeSpan.FromSeconds(BenchRuns.InRange(parse.GetValue(every), 0.1, 60, "--every")),
                TimeSpan.FromMinutes(BenchRuns.InRange(parse.GetValue(minutes), 0.5, 240, "--minutes")),
                BenchRuns.InRange(parse.GetValue(replicas), 1, 8, "--replicas"),
                BenchRuns.InRange(parse.GetValue(connections), 0, 100_000, "--connections") is > 0 and var c ? c : Math.Max(1, fleet / 20),
                BenchRuns.InRange(parse.GetValue(killAt), 0, 0.9, "--kill-at"),
                ServiceProcess.Locate("networktwin-central.dll", Path.Combine("central", "NetworkTwin.Central"), "NETWORKTWIN_CENTRAL", parse.GetValue(central)));
            if (PostgresCluster.FindBinaries() is null || HaproxyBalancer.FindExecutable() is null)
            {
                throw new CliUsageException("bench fleet needs PostgreSQL and HAProxy (Debian: apt-get install postgresql haproxy; ./build.sh test installs both)");
            }

            await RunAsync(console, settings, ct).ConfigureAwait(false);
            return CliApp.ExitOk;
        });
        return command;
    }

    private sealed record FleetSettings(int Agents, int Links, TimeSpan Every, TimeSpan Duration, int Replicas, int Connections, double KillAt, string CentralPath);

    private sealed record Replica(int Number, int Port, int MetricsPort, ServiceProcess Process);

    private static async Task RunAsync(IAnsiConsole console, FleetSettings s, CancellationToken ct)
    {
        var folder = Directory.CreateTempSubdirectory("nt-bench-fleet-").FullName;
        var offered = s.Agents * (s.Links + 1) / s.Every.TotalSeconds;
        console.MarkupLineInterpolated($"[bold]{s.Agents:N0} agents x {s.Links} links[/], a window every {s.Every.TotalSeconds:0.#} s ({offered:N0} results/s offered), {s.Replicas} replicas behind HAProxy, {s.Connections:N0} connections, {s.Duration.TotalMinutes:0.#} min; files in {folder}");
        await using var postgres = await PostgresCluster.StartAsync(LoopbackPort.Free(), ct).ConfigureAwait(false);
        var replicas = new List<Replica>();
        HaproxyBalancer? balancer = null;
        var channels = new List<GrpcChannel>();
        try
        {
            for (var i = 1; i <= s.Replicas; i++)
            {
                var (port, metrics) = (LoopbackPort.Free(), LoopbackPort.Free());
                replicas.Add(new Replica(i, port, metrics, ServiceProcess.Start(s.CentralPath, Path.Combine(folder, Invariant($"replica{i}.log")), new Dictionary<string, string>
                {
                    ["Coordinator:Port"] = port.ToString(CultureInfo.InvariantCulture),
                    ["Coordinator:Metrics:Port"] = metrics.ToString(CultureInfo.InvariantCulture),
                    ["Coordinator:DataDirectory"] = Path.Combine(folder, Invariant($"replica{i}")),
                    ["Coordinator:Repository:Provider"] = "postgresql",
                    ["Coordinator:Repository:ConnectionString"] = postgres.ConnectionString,
                    ["Coordinator:Logging:ConsoleLevel"] = "Warning",
                })));
            }

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            foreach (var replica in replicas)
            {
                await WaitReadyAsync(http, replica, ct).ConfigureAwait(false);
            }

            // The replicas' own repository, for the lease and the decisions as they see them (the schema is theirs by now).
            using var repository = new PostgresRepository(postgres.ConnectionString, concurrentStores: 1);
            balancer = await HaproxyBalancer.StartAsync([.. replicas.Select(r => r.Port)], ct).ConfigureAwait(false);
            var address = new CoordinatorChannelSettings { Address = new Uri(Invariant($"http://127.0.0.1:{balancer.Port}")) };
            channels.AddRange(Enumerable.Range(0, s.Connections).Select(_ => CoordinatorChannel.Create(address)));
            var stats = new FleetStats();
            var fleet = Enumerable.Range(0, s.Agents).Select(a => new FleetAgent(Invariant($"fleet-{a:D5}"), Invariant($"site-{a / 10:D4}"), s.Links, stats)).ToList();
            var startSize = await ScalarAsync(postgres, "SELECT pg_database_size(current_database())", ct).ConfigureAwait(false);
            var processes = ProcessesOf(replicas, balancer);
            var cpuBefore = processes.ToDictionary(p => p.Key, p => ProcessUsage.Of(p.Value()).CpuSeconds);
            var cpuLast = new Dictionary<string, double>(cpuBefore);
            var peakRss = processes.ToDictionary(p => p.Key, _ => 0L);
            string? beforeKill = null;
            var rounds = new Dictionary<string, (double Last, double Max)>();

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var clock = Stopwatch.StartNew();
            // Agents start spread over one interval, as a fleet's windows are.
            var running = fleet.Select((agent, a) => agent.RunAsync(
                new AgentSync.AgentSyncClient(channels[a % channels.Count]),
                s.Every,
                TimeSpan.FromTicks((long)(s.Every.Ticks * ((double)a / s.Agents))),
                stop.Token)).ToList();

            // A replica busy storing can take seconds to answer a scrape: its rounds are read beside this loop, not in it.
            using var scrapes = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            var watching = replicas.Select(r => WatchRoundsAsync(scrapes, r, rounds, stop.Token)).ToList();

            string? killed = null;
            double? takeover = null;
            var lastReport = TimeSpan.Zero;
            long lastResults = 0;
            while (clock.Elapsed < s.Duration)
            {
                await Task.Delay(TimeSpan.FromSeconds(5), ct).ConfigureAwait(false);
                foreach (var (name, pids) in processes)
                {
                    // A killed replica keeps the CPU time it had at its last sample.
                    var (used, memory) = ProcessUsage.Of(pids());
                    cpuLast[name] = Math.Max(cpuLast[name], used);
                    peakRss[name] = Math.Max(peakRss[name], memory);
                }

                if (killed is null && s.KillAt > 0 && clock.Elapsed >= s.Duration * s.KillAt)
                {
                    var holder = Holder(repository, replicas);
                    if (holder is not null)
                    {
                        var killedAt = clock.Elapsed;
                        beforeKill = Invariant($"{stats.Percentile(0.5):0.#} / {stats.Percentile(0.99):0.#} ms");
                        await holder.Process.KillAsync().ConfigureAwait(false);
                        killed = Invariant($"replica {holder.Number} (it held the lease) at {killedAt.TotalMinutes:0.0} min");
                        console.MarkupLineInterpolated($"[yellow]killed replica {holder.Number} (SIGKILL), the lease holder[/]");
                        takeover = await TakeoverAsync(repository, replicas, holder, ct).ConfigureAwait(false);
                        console.MarkupLineInterpolated($"lease taken over after {takeover:0.0} s");
                    }
                }

                if (clock.Elapsed - lastReport >= TimeSpan.FromSeconds(30))
                {
                    var results = stats.Results;
                    console.WriteLine(Invariant($"{clock.Elapsed:mm\\:ss}  acknowledged {(results - lastResults) / (clock.Elapsed - lastReport).TotalSeconds:N0} results/s, ack p50 {stats.Percentile(0.5):0.#} ms p99 {stats.Percentile(0.99):0.#} ms, reconnects {stats.Reconnects:N0}"));
                    (lastReport, lastResults) = (clock.Elapsed, results);
                }
            }

            var seconds = clock.Elapsed.TotalSeconds;
            var cpu = processes.ToDictionary(p => p.Key, p => Math.Max(cpuLast[p.Key], ProcessUsage.Of(p.Value()).CpuSeconds) - cpuBefore[p.Key]);
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(running).ConfigureAwait(false);
            await Task.WhenAll(watching).ConfigureAwait(false);
            var endSize = await ScalarAsync(postgres, "SELECT pg_database_size(current_database())", ct).ConfigureAwait(false);
            var check = await ExactlyOnceAsync(postgres, fleet, ct).ConfigureAwait(false);
            var decisions = repository.Decisions.Counts().Values.Sum();
            var twice = await ScalarAsync(postgres, "SELECT COUNT(*) FROM (SELECT agent_id, link_id, created_at FROM decisions GROUP BY agent_id, link_id, created_at HAVING COUNT(*) > 1) d", ct).ConfigureAwait(false);

            var table = new Table().Border(TableBorder.Rounded).AddColumns("figure", "value", "target");
            table.AddRow("agents x links, window interval", Invariant($"{s.Agents:N0} x {s.Links} (+ loss evidence), {s.Every.TotalSeconds:0.#} s"), "10,000 x 3, 2 s");
            table.AddRow("results offered", Invariant($"{offered:N0}/s"), "15,000/s of link results");
            table.AddRow("results stored (in the database)", Invariant($"{check.Stored:N0}: {check.Stored / seconds:N0}/s over {seconds / 60:0.0} min"), "-");
            table.AddRow("acknowledged batches", Invariant($"{stats.Batches:N0} ({stats.Results:N0} results, counting resends)"), "-");
            table.AddRow("acknowledgement latency p50 / p99 / max", Invariant($"{stats.Percentile(0.5):0.#} / {stats.Percentile(0.99):0.#} / {stats.Max.TotalMilliseconds:N0} ms"), "-");
            table.AddRow("acknowledgement latency p50 / p99 before the kill", beforeKill ?? "-", "-");
            table.AddRow("reconnects (each attempt)", Invariant($"{stats.Reconnects:N0}"), "-");
            foreach (var (cause, count) in stats.Causes.Take(3))
            {
                table.AddRow(Invariant($"  {count:N0} x"), Markup.Escape(cause), "-");
            }

            table.AddRow("lease holder killed", killed ?? "no", "-");
            table.AddRow("lease taken over after", takeover is { } t ? Invariant($"{t:0.0} s") : "-", "<= 30 s");
            table.AddRow("exactly once: agents with a gap or a duplicate", Invariant($"{check.Gaps} of {s.Agents:N0}"), "0");
            table.AddRow("exactly once: acknowledged results missing", Invariant($"{check.Missing}"), "0");
            table.AddRow("decisions made / made twice", Invariant($"{decisions} / {twice}"), "- / 0");
            foreach (var (loop, round) in rounds.OrderBy(r => r.Key, StringComparer.Ordinal))
            {
                table.AddRow(Invariant($"{loop} round, last / longest"), Invariant($"{round.Last:0.000} / {round.Max:0.000} s"), "-");
            }

            table.AddRow("database size", Invariant($"{startSize / 1048576.0:N0} -> {endSize / 1048576.0:N0} MB: {(endSize - startSize) / 1048576.0 / seconds * 3600:N0} MB/h"), "-");
            foreach (var (name, used) in cpu)
            {
                table.AddRow(Invariant($"{name}: CPU, peak memory (PSS)"), Invariant($"{used / seconds:0.00} cores, {peakRss[name] / 1048576.0:N0} MB"), "-");
            }

            table.AddRow("machine", Invariant($"{Environment.ProcessorCount} cores; all of the above on it"), "-");
            console.Write(table);
        }
        finally
        {
            foreach (var channel in channels)
            {
                channel.Dispose();
            }

            if (balancer is not null)
            {
                await balancer.DisposeAsync().ConfigureAwait(false);
            }

            foreach (var replica in replicas)
            {
                await replica.Process.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>The processes measured, by name: each replica, PostgreSQL (all its processes), HAProxy and this one.</summary>
    private static Dictionary<string, Func<IEnumerable<int>>> ProcessesOf(List<Replica> replicas, HaproxyBalancer balancer)
    {
        var processes = replicas.ToDictionary(r => Invariant($"replica {r.Number}"), r => (Func<IEnumerable<int>>)(() => r.Process.HasExited ? [] : [r.Process.ProcessId]));
        processes["PostgreSQL (all processes)"] = () => ProcessUsage.Named("postgres");
        processes["HAProxy"] = () => [balancer.ProcessId];
        processes["this generator (agents)"] = () => [Environment.ProcessId];
        return processes;
    }

    private static async Task WaitReadyAsync(HttpClient http, Replica replica, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var ready = await http.GetAsync(new Uri(Invariant($"http://127.0.0.1:{replica.MetricsPort}/readyz")), ct).ConfigureAwait(false);
                if (ready.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (deadline.Elapsed < TimeSpan.FromSeconds(60) && !replica.Process.HasExited)
            {
            }

            if (replica.Process.HasExited || deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new InvalidOperationException($"replica {replica.Number} did not become ready; see {replica.Process.ConsolePath}");
            }

            await Task.Delay(250, ct).ConfigureAwait(false);
        }
    }

    [GeneratedRegex("""^networktwin_central_round_(last|max)_seconds\{[^}]*loop="(\w+)"[^}]*\} (\S+)""", RegexOptions.Multiline)]
    private static partial Regex RoundLine();

    /// <summary>
    /// Reads a replica's singleton-loop rounds every 5 s into <paramref name="rounds"/> (the last seen, the longest ever),
    /// until the run stops or the replica is gone.
    /// </summary>
    private static async Task WatchRoundsAsync(HttpClient http, Replica replica, Dictionary<string, (double Last, double Max)> rounds, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested && !replica.Process.HasExited)
        {
            var read = await RoundsAsync(http, replica, ct).ConfigureAwait(false);
            lock (rounds)
            {
                foreach (var (loop, round) in read)
                {
                    rounds[loop] = rounds.TryGetValue(loop, out var known) ? (round.Last, Math.Max(known.Max, round.Max)) : round;
                }
            }

            try
            {
                await Task.Delay(TimeSpan.FromSeconds(5), ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>The singleton loops' last and longest rounds on a replica (none when it does not hold the lease).</summary>
    private static async Task<Dictionary<string, (double Last, double Max)>> RoundsAsync(HttpClient http, Replica replica, CancellationToken ct)
    {
        var rounds = new Dictionary<string, (double Last, double Max)>();
        try
        {
            var text = await http.GetStringAsync(new Uri(Invariant($"http://127.0.0.1:{replica.MetricsPort}/metrics")), ct).ConfigureAwait(false);
            foreach (Match m in RoundLine().Matches(text))
            {
                var value = double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture);
                var known = rounds.GetValueOrDefault(m.Groups[2].Value);
                rounds[m.Groups[2].Value] = m.Groups[1].Value == "last" ? (value, known.Max) : (known.Last, value);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            // A replica killed, too busy to answer in time, or the run over: its rounds are read next time, if there is one.
        }

        return rounds;
    }

    /// <summary>The replica whose process holds the singleton lease (the holder is named host:pid:random).</summary>
    private static Replica? Holder(CoordinatorRepository repository, List<Replica> replicas)
    {
        var holder = repository.Leases.Holder(LeaseStore.SingletonLoops) is { RemainingMs: > 0 } lease ? lease.Holder : null;
        return replicas.FirstOrDefault(r => !r.Process.HasExited && holder is not null && holder.Split(':') is [_, var pid, ..] && pid == r.Process.ProcessId.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Seconds from the kill until another replica holds the lease.</summary>
    private static async Task<double> TakeoverAsync(CoordinatorRepository repository, List<Replica> replicas, Replica killed, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMinutes(2))
        {
            if (Holder(repository, replicas) is { } holder && holder != killed)
            {
                return clock.Elapsed.TotalSeconds;
            }

            await Task.Delay(250, ct).ConfigureAwait(false);
        }

        return double.PositiveInfinity;
    }

    /// <summary>Per agent: sequences 1..max stored once each (count = max, no gaps) and everything acknowledged there.</summary>
    private static async Task<(long Stored, int Gaps, long Missing)> ExactlyOnceAsync(PostgresCluster postgres, List<FleetAgent> fleet, CancellationToken ct)
    {
        var byAgent = fleet.ToDictionary(a => a.Id);
        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync(ct).ConfigureAwait(false);
        await using var query = new NpgsqlCommand("SELECT agent_id, COUNT(*), MAX(sequence), MIN(sequence) FROM results GROUP BY agent_id", connection) { CommandTimeout = 600 };
        await using var reader = await query.ExecuteReaderAsync(ct).ConfigureAwait(false);
        long stored = 0, missing = 0;
        var gaps = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            var (id, count, max, min) = (reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
            stored += count;
            seen.Add(id);
            if (count != max || min != 1)
            {
                gaps++;
            }

            if (byAgent.TryGetValue(id, out var agent) && agent.StoredThrough > max)
            {
                missing += agent.StoredThrough - max;
            }
        }

        missing += fleet.Where(a => !seen.Contains(a.Id)).Sum(a => a.StoredThrough);
        return (stored, gaps, missing);
    }

    private static async Task<long> ScalarAsync(PostgresCluster postgres, string sql, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync(ct).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }
}
