using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using Microsoft.Extensions.Configuration;
using NetworkTwin.Analytics.Design;
using NetworkTwin.Central.Service;
using NetworkTwin.Console.Cli;
using NetworkTwin.Console.Design;
using NetworkTwin.Contracts.Design;
using NetworkTwin.Hosting.Grpc;
using NetworkTwin.Testing.Launchers;
using Spectre.Console;
using static System.FormattableString;

namespace NetworkTwin.Lab.Bench;

/// <summary>
/// <c>networktwin-lab bench design-api</c>: one intent's recommendation run here, as the CLI does without a coordinator,
/// and over the operators' API on a coordinator in this process (its history on SQLite or a throw-away PostgreSQL), at
/// the coordinator's default parallelism and at this machine's, in the same run; the rankings are compared.
/// </summary>
public static class DesignApiBench
{
    public static Command Create(IAnsiConsole console)
    {
        var intent = new Option<FileInfo>("--intent")
        {
            Description = "Intent document (.json or .yaml).",
            DefaultValueFactory = _ => new FileInfo(Path.Combine(AppContext.BaseDirectory, "Design", "Intents", "national-200.json")),
        };
        var provider = new Option<string>("--repository") { Description = "sqlite or postgresql (a throw-away cluster).", DefaultValueFactory = _ => "postgresql" };
        provider.AcceptOnlyFromAmong("sqlite", "postgresql");
        var command = new Command("design-api", "A recommendation run here and over the operators' API, timed side by side.") { intent, provider };
        command.SetAction(async (parse, ct) =>
        {
            var loaded = IntentFiles.Load(parse.GetRequiredValue(intent).FullName);
            var expanded = ExpandedIntent.From(loaded);
            var document = new IntentDocument { Json = IntentJson.Write(loaded) };
            var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape($"{loaded.Name}: {expanded.Sites.Count} sites, {expanded.Demands.Count:N0} demands, recommend"))
                .AddColumns("run", "wall time", "ranking");

            // Warm the code once (a small intent), so that neither side pays the JIT in its time.
            DesignOperations.Recommend(ExpandedIntent.From(IntentJson.Parse("""{"name":"warm","siteModel":{"count":12}}""", "warm")), [], cancellationToken: ct);
            var clock = Stopwatch.StartNew();
            var (local, _) = await console.Status().StartAsync("here (the CLI without a coordinator)...", _ => Task.FromResult(DesignOperations.Recommend(expanded, [], cancellationToken: ct))).ConfigureAwait(false);
            var localSeconds = clock.Elapsed.TotalSeconds;
            table.AddRow(Invariant($"here, all {Environment.ProcessorCount} cores"), Invariant($"{localSeconds:0.00} s"), Ranking(local));

            var cores = Environment.ProcessorCount;
            foreach (var parallelism in new[] { 0, cores }.Distinct())
            {
                var (seconds, reply) = await OverApiAsync(console, parse.GetValue(provider)!, parallelism, document, ct).ConfigureAwait(false);
                var label = parallelism == 0 ? Invariant($"over the API, coordinator default ({new Central.Designs.DesignOptions().Parallelism} core(s))") : Invariant($"over the API, MaxParallelism {parallelism}");
                var same = Ranking(reply.Records) == Ranking(local) ? string.Empty : " [red](differs)[/]";
                table.AddRow(label, Invariant($"{seconds:0.00} s ({seconds / localSeconds:0.00}x here), reply {reply.CalculateSize() / 1024.0:N0} KiB"), Ranking(reply.Records) + same);
            }

            console.Write(table);
            console.MarkupLine(Invariant($"Repository {Markup.Escape(parse.GetValue(provider)!)}; the API run includes the intent's transfer, the progress stream and storing the {local.Count} options."));
            return CliApp.ExitOk;
        });
        return command;
    }

    private static string Ranking(IEnumerable<DesignRecord> options) => string.Join(" > ", options.Select(o => o.Pattern));

    private static async Task<(double Seconds, DesignReply Reply)> OverApiAsync(IAnsiConsole console, string provider, int parallelism, IntentDocument intent, CancellationToken ct)
    {
        var dir = Directory.CreateTempSubdirectory("nt-bench-design-").FullName;
        var port = LoopbackPort.Free();
        PostgresCluster? postgres = null;
        try
        {
            var settings = new Dictionary<string, string?>
            {
                ["Coordinator:Port"] = port.ToString(CultureInfo.InvariantCulture),
                ["Coordinator:Metrics:Port"] = "0",
                ["Coordinator:DataDirectory"] = dir,
                ["Coordinator:Repository:Provider"] = provider,
                ["Coordinator:Design:MaxParallelism"] = parallelism.ToString(CultureInfo.InvariantCulture),
                ["Coordinator:Control:EverySeconds"] = "0",
                ["Coordinator:Learning:EveryMinutes"] = "0",
                ["Serilog:MinimumLevel:Default"] = "Warning",
                ["Coordinator:Logging:ConsoleLevel"] = "Warning",
            };
            if (provider == "postgresql")
            {
                postgres = await PostgresCluster.StartAsync(LoopbackPort.Free(), ct).ConfigureAwait(false);
                settings["Coordinator:Repository:ConnectionString"] = postgres.ConnectionString;
            }

            await using var coordinator = CoordinatorHost.Build([], c => c.AddInMemoryCollection(settings));
            await coordinator.StartAsync(ct).ConfigureAwait(false);
            using var channel = CoordinatorChannel.Create(new CoordinatorChannelSettings { Address = new Uri($"http://127.0.0.1:{port}") });
            var clock = Stopwatch.StartNew();
            DesignReply? reply = null;
            await console.Status().StartAsync($"over the API ({provider})...", async status =>
            {
                using var call = new Designs.DesignsClient(channel).Recommend(new RecommendRequest { Intent = intent }, cancellationToken: ct);
                await foreach (var item in call.ResponseStream.ReadAllAsync(ct).ConfigureAwait(false))
                {
                    if (item.EventCase == DesignEvent.EventOneofCase.Reply)
                    {
                        reply = item.Reply;
                    }
                    else
                    {
                        status.Status(Markup.Escape($"over the API: {item.Progress.Stage}"));
                    }
                }
            }).ConfigureAwait(false);
            var seconds = clock.Elapsed.TotalSeconds;
            await coordinator.StopAsync(ct).ConfigureAwait(false);
            return (seconds, reply ?? throw new InvalidOperationException("the coordinator ended the run without a reply"));
        }
        finally
        {
            if (postgres is not null)
            {
                await postgres.DisposeAsync().ConfigureAwait(false);
            }

            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }
}
