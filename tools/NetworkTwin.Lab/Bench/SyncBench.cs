using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NetworkTwin.Central.Repository;
using NetworkTwin.Central.Service;
using NetworkTwin.Console.Cli;
using NetworkTwin.Contracts.Sync;
using NetworkTwin.Hosting.Grpc;
using NetworkTwin.Testing.Launchers;
using Spectre.Console;
using static System.FormattableString;
using Command = System.CommandLine.Command;

namespace NetworkTwin.Lab.Bench;

/// <summary>
/// <c>networktwin-lab bench sync</c>: results per second a coordinator stores into its repository
/// (SQLite, and PostgreSQL in a throw-away local cluster) from many simulated agents, each
/// registering and streaming batches over gRPC.
/// </summary>
public static class SyncBench
{
    private static readonly string[] Both = ["sqlite", "postgresql"];

    public static Command Create(IAnsiConsole console)
    {
        var agents = new Option<int>("--agents") { Description = "Simulated agents.", DefaultValueFactory = _ => 1000 };
        var perAgent = new Option<int>("--results") { Description = "Results each agent sends.", DefaultValueFactory = _ => 500 };
        var batch = new Option<int>("--batch") { Description = "Results per uplink batch.", DefaultValueFactory = _ => 100 };
        var concurrency = new Option<int>("--concurrency") { Description = "Agents streaming at once.", DefaultValueFactory = _ => 64 };
        var repository = new Option<string>("--repository") { Description = "sqlite, postgresql (a throw-away local cluster) or both.", DefaultValueFactory = _ => "both" };
        var command = new Command("sync", "Coordinator ingest into SQLite and PostgreSQL from many simulated agents over gRPC.") { agents, perAgent, batch, concurrency, repository };
        command.SetAction(async (parse, ct) =>
        {
            var n = Math.Clamp(parse.GetValue(agents), 1, 100_000);
            var each = Math.Clamp(parse.GetValue(perAgent), 1, 1_000_000);
            var size = Math.Clamp(parse.GetValue(batch), 1, 5000);
            var parallel = Math.Clamp(parse.GetValue(concurrency), 1, 1024);
            var providers = parse.GetValue(repository) switch
            {
                "both" => Both,
                "sqlite" or "postgresql" => [parse.GetValue(repository)!],
                var other => throw new CliUsageException($"--repository must be sqlite, postgresql or both (got '{other}')"),
            };
            var table = new Table().Border(TableBorder.Rounded).AddColumns("repository", "figure", "value", "target");
            foreach (var provider in providers)
            {
                await RunAsync(console, table, provider, n, each, size, parallel, ct).ConfigureAwait(false);
            }

            console.Write(table);
            return CliApp.ExitOk;
        });
        return command;
    }

    private static async Task RunAsync(IAnsiConsole console, Table table, string provider, int n, int each, int size, int parallel, CancellationToken ct)
    {
        var dir = Directory.CreateTempSubdirectory("nt-bench-sync-").FullName;
        var port = LoopbackPort.Free();
        PostgresCluster? postgres = null;
        try
        {
            var settings = new Dictionary<string, string?>
            {
                ["Coordinator:Port"] = port.ToString(CultureInfo.InvariantCulture),
                ["Coordinator:DataDirectory"] = dir,
                ["Coordinator:Repository:Provider"] = provider,
                // Per-agent registrations at Information would measure the console, not the ingest.
                ["Serilog:MinimumLevel:Default"] = "Warning",
                ["Coordinator:Logging:ConsoleLevel"] = "Warning",
            };
            if (provider == "postgresql")
            {
                postgres = await PostgresCluster.StartAsync(LoopbackPort.Free(), ct).ConfigureAwait(false);
                settings["Coordinator:Repository:ConnectionString"] = postgres.ConnectionString;
            }

            // The storage's own speed first, on the same disk or server in the same minute: plain batched inserts, then the
            // repository's Store without gRPC (its own file or database, so the runs do not share a table).
            // On SQLite, also bound by position (as the repository's writer binds its results insert); the faster of the two is
            // the storage's own speed that ingest is held against.
            var plainByName = provider == "sqlite" ? StorageRate.PlainSqlite(dir, n, each, size) : StorageRate.PlainPostgres(postgres!.ConnectionString, n, each, size);
            double? plainByPosition = provider == "sqlite" ? StorageRate.PlainSqliteByPosition(dir, n, each, size) : null;
            var plain = Math.Max(plainByName, plainByPosition ?? 0);
            double direct;
            using (var repository = provider == "sqlite" ? (CoordinatorRepository)new SqliteRepository(Path.Combine(dir, "direct.db")) : new PostgresRepository(await postgres!.CreateDatabaseAsync("direct", ct).ConfigureAwait(false)))
            {
                direct = await StorageRate.DirectAsync(repository, n, each, size, parallel).ConfigureAwait(false);
            }

            await using var coordinator = CoordinatorHost.Build([], c => c.AddInMemoryCollection(settings));
            await coordinator.StartAsync(ct).ConfigureAwait(false);
            // One connection per agent streaming at once, each used by agent after agent: long-lived agents each have their own
            // connection (one for all would measure its HTTP/2 framing; a new one per agent, its handshakes).
            var address = new CoordinatorChannelSettings { Address = new Uri($"http://127.0.0.1:{port}") };
            var channels = new System.Collections.Concurrent.ConcurrentQueue<Grpc.Net.Client.GrpcChannel>(Enumerable.Range(0, parallel).Select(_ => CoordinatorChannel.Create(address)));

            // A coordinator runs for months: its first seconds (the uplink path compiled, each connection's HTTP/2 set up) are
            // not its ingest rate. One agent per connection streams first, outside the clock, and is reported apart: WarmUpResults
            // in all, or as many as the run itself stores if that is fewer (at least one per connection).
            var warmEach = Math.Max(1, (int)Math.Min(WarmUpResults, (long)n * each) / parallel);
            var warmClock = Stopwatch.StartNew();
            var warmed = await Task.WhenAll(channels.Select((channel, i) => SimulateAgentAsync(new AgentSync.AgentSyncClient(channel), $"bench-warm-up-{i}", warmEach, size, ct))).ConfigureAwait(false);
            var warmSeconds = warmClock.Elapsed.TotalSeconds;
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            long acknowledged = 0;
            await console.Progress().AutoClear(true).StartAsync(async ctx =>
            {
                var task = ctx.AddTask($"{provider}: {n:N0} agents x {each:N0} results", maxValue: (double)n * each);
                await Parallel.ForEachAsync(Enumerable.Range(0, n), new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = ct }, async (a, token) =>
                {
                    channels.TryDequeue(out var channel);
                    var sent = await SimulateAgentAsync(new AgentSync.AgentSyncClient(channel!), $"bench-agent-{a}", each, size, token).ConfigureAwait(false);
                    channels.Enqueue(channel!);
                    Interlocked.Add(ref acknowledged, sent);
                    task.Increment(sent);
                }).ConfigureAwait(false);
            }).ConfigureAwait(false);
            var seconds = clock.Elapsed.TotalSeconds;
            foreach (var channel in channels)
            {
                channel.Dispose();
            }

            var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
            var store = coordinator.Services.GetRequiredService<CoordinatorRepository>();
            var stored = store.Results.Sequences("bench-agent-0").Count;
            var target = provider == "sqlite" ? ">= 50,000 results/s" : "-";
            table.AddRow(provider, "results stored (acknowledged)", Invariant($"{acknowledged:N0} from {Count(n, "agent")}, batches of {size}"), "-");
            var rate = acknowledged / seconds;
            table.AddRow(provider, Invariant($"plain batched inserts ({size} rows per transaction, key only)"), Invariant($"{plainByName:N0} rows/s"), "-");
            if (plainByPosition is { } byPosition)
            {
                table.AddRow(provider, "the same, bound by position (SQLitePCLRaw)", Invariant($"{byPosition:N0} rows/s"), "-");
            }
            table.AddRow(provider, "repository StoreAsync, no gRPC", Invariant($"{direct:N0} results/s ({direct / plain:P0} of plain)"), "-");
            table.AddRow(provider, "warm-up over gRPC, not counted", Invariant($"{Count(warmed.Sum(), "result")} from {Count(parallel, "agent")}, {warmed.Sum() / warmSeconds:N0} results/s ({warmSeconds:0.0} s)"), "-");
            table.AddRow(provider, "ingest rate over gRPC", Invariant($"{rate:N0} results/s ({seconds:0.0} s)"), target);
            table.AddRow(provider, "ingest against plain inserts (the faster)", Invariant($"{rate / plain:P0}"), ">= 50%");
            table.AddRow(provider, "CPU (coordinator and simulated agents, one process)", Invariant($"{cpuSeconds / seconds:0.00} cores of {Environment.ProcessorCount}"), "-");
            table.AddRow(provider, "memory (this process, peak)", Invariant($"{Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:0} MB"), "-");
            table.AddRow(provider, "check: agent 0's sequences stored", Invariant($"{stored} of {each}"), Invariant($"{each}"));
            if (postgres is not null)
            {
                table.AddRow(provider, "server", store.Description + " (throw-away cluster, fsync off)", "-");
            }

            // Stopped before it is disposed: its loops end as in a shutdown, not as failures.
            await coordinator.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (postgres is not null)
            {
                await postgres.DisposeAsync().ConfigureAwait(false);
            }

            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>"1 agent", "64 agents".</summary>
    private static string Count(long count, string noun) => Invariant($"{count:N0} {noun}{(count == 1 ? string.Empty : "s")}");

    /// <summary>Results the warm-up agents stream in all before the clock starts (1,000 each at the default 64 connections).</summary>
    private const int WarmUpResults = 64_000;

    /// <summary>One agent: registers, streams its results in batches and waits for each acknowledgement; returns how many were acknowledged.</summary>
    private static async Task<int> SimulateAgentAsync(AgentSync.AgentSyncClient client, string id, int each, int size, CancellationToken token)
    {
        await client.RegisterAsync(new RegisterRequest { AgentId = id, Site = "bench", Version = "bench" }, cancellationToken: token).ResponseAsync.ConfigureAwait(false);
        using var call = client.Uplink(cancellationToken: token);
        var acknowledged = 0;
        foreach (var results in StorageRate.Batches(each, size))
        {
            var message = new UplinkBatch { AgentId = id, Results = { results } };
            await call.RequestStream.WriteAsync(message, token).ConfigureAwait(false);
            if (!await call.ResponseStream.MoveNext(token).ConfigureAwait(false))
            {
                throw new InvalidOperationException("the coordinator closed the uplink");
            }

            acknowledged += message.Results.Count;
        }

        await call.RequestStream.CompleteAsync().ConfigureAwait(false);
        while (await call.ResponseStream.MoveNext(token).ConfigureAwait(false))
        {
        }

        return acknowledged;
    }
}
