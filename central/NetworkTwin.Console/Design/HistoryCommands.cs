using System.CommandLine;
using System.Globalization;
using NetworkTwin.Console.Cli;
using NetworkTwin.Contracts.Design;
using Spectre.Console;
using static System.FormattableString;

namespace NetworkTwin.Console.Design;

/// <summary>
/// <c>design history | report | choose | outcome | import-history</c>: the design history the coordinator keeps for
/// the whole team (who designed what, which option was chosen, how it turned out) and the learning report over it.
/// </summary>
internal static class HistoryCommands
{
    public static Command History(IAnsiConsole console)
    {
        var pattern = new Option<string?>("--pattern") { Description = "Only this pattern (FullMesh, Ring, DualHub, Tree, LeafSpine, PartialMesh, Hybrid)." };
        var intent = new Option<string?>("--intent") { Description = "Only intents (or networks) whose name contains this." };
        var operation = new Option<string?>("--operation") { Description = "Only validate, simulate, generate, recommend or optimize." };
        var since = SinceOption("Only records from this long ago (30m, 12h, 7d) or this UTC time (2026-11-01T00:00:00Z).");
        var limit = new Option<int>("--limit") { Description = "The newest records to show.", DefaultValueFactory = _ => 50 };
        var designs = new Option<bool>("--designs") { Description = "With -o json or yaml: also each design's topology, intent and log (large)." };
        var target = DesignTarget.Create();
        var command = new Command("history", "The shared design history at the coordinator, newest first: who ran what, the scores, the option chosen and how it turned out.") { pattern, intent, operation, since, limit, designs };
        target.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var n = parse.GetValue(limit);
            if (n is < 1 or > 100_000)
            {
                throw new CliUsageException(Invariant($"--limit must be 1..100000 (got {n})"));
            }

            var address = target.RequiredAddress(parse, "The shared design history");
            var request = new DesignHistoryRequest
            {
                Pattern = parse.GetValue(pattern) ?? string.Empty,
                Intent = parse.GetValue(intent) ?? string.Empty,
                Operation = parse.GetValue(operation) ?? string.Empty,
                SinceUnixMs = Since(parse.GetValue(since), "--since"),
                PageSize = Math.Min(n, 1000),
                WithDesigns = parse.GetValue(designs),
            };
            var history = new DesignHistory();
            do
            {
                var page = await DesignRemote.CallAsync(target, parse, address, (c, o) => c.ListHistoryAsync(request, o), ct).ConfigureAwait(false);
                history.Records.AddRange(page.Records.Take(n - history.Records.Count));
                request.PageToken = page.NextPageToken;
            }
            while (request.PageToken.Length > 0 && history.Records.Count < n);

            if (OutputFormat.TryWrite(parse, console, history))
            {
                return CliApp.ExitOk;
            }

            if (history.Records.Count == 0)
            {
                console.WriteLine("No design record matches.");
                return CliApp.ExitOk;
            }

            var table = new Table().Border(TableBorder.Rounded).AddColumns("record", "time (UTC)", "operator", "operation", "intent / network", "pattern", "score", "cost", "constraints", "chosen", "outcome", "summary");
            foreach (var r in history.Records)
            {
                table.AddRow(
                    Invariant($"{r.RecordId}"),
                    Invariant($"{DateTimeOffset.FromUnixTimeMilliseconds(r.RecordedUnixMs):yyyy-MM-dd HH:mm}"),
                    Markup.Escape(r.Operator),
                    r.Operation,
                    Markup.Escape(r.IntentName),
                    r.Pattern.Length > 0 ? r.Pattern + (r.Rank > 0 ? Invariant($" #{r.Rank}") : string.Empty) : "-",
                    r.HasScore ? Invariant($"{r.Score:0.000}") : "-",
                    r.Scores is { } s ? Invariant($"{s.Cost:N0}") : "-",
                    !r.HasMetConstraints ? "-" : r.MetConstraints ? "[green]met[/]" : "[red]not met[/]",
                    r.Chosen ? Markup.Escape($"by {r.ChosenBy}") : "-",
                    r.Outcome is { } o ? (o.MetIntent ? "[green]met[/]" : "[red]missed[/]") + Markup.Escape($" ({o.ReportedBy})") : "-",
                    Markup.Escape(r.Summary));
            }

            console.Write(table);
            return CliApp.ExitOk;
        });
        return command;
    }

    public static Command Report(IAnsiConsole console)
    {
        var since = SinceOption("Only records from this long ago (30m, 12h, 7d) or this UTC time.");
        var bucket = new Option<string>("--bucket") { Description = "The trend's step: day or week.", DefaultValueFactory = _ => "day" };
        bucket.AcceptOnlyFromAmong("day", "week");
        var target = DesignTarget.Create();
        var command = new Command("report", "What the design history teaches: which patterns met which intents, how often the recommendation was followed and how chosen designs turned out, over time.") { since, bucket };
        target.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var address = target.RequiredAddress(parse, "The learning report");
            var report = await DesignRemote.CallAsync(target, parse, address, (c, o) => c.GetLearningReportAsync(new LearningReportRequest { SinceUnixMs = Since(parse.GetValue(since), "--since"), Bucket = parse.GetValue(bucket)! }, o), ct).ConfigureAwait(false);
            if (OutputFormat.TryWrite(parse, console, report))
            {
                return CliApp.ExitOk;
            }

            Render(console, report);
            return CliApp.ExitOk;
        });
        return command;
    }

    public static Command Choose(IAnsiConsole console)
    {
        var record = new Argument<long>("record") { Description = "The design record of the option chosen (design recommend's record column, or design history)." };
        var note = new Option<string?>("--note") { Description = "Why, for the audit trail." };
        var target = DesignTarget.Create();
        var command = new Command("choose", "Record which option of a recommendation the team chose (an audit entry; the learning report counts whether the first was followed).") { record, note };
        target.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var address = target.RequiredAddress(parse, "A choice");
            var chosen = await DesignRemote.CallAsync(target, parse, address, (c, o) => c.ChooseDesignAsync(new ChooseDesignRequest { RecordId = parse.GetValue(record), Note = parse.GetValue(note) ?? string.Empty }, o), ct).ConfigureAwait(false);
            if (!OutputFormat.TryWrite(parse, console, chosen))
            {
                console.MarkupLine(Markup.Escape(Invariant($"chose option {chosen.Rank} ({chosen.Pattern}) of recommendation run {chosen.RunId} for {chosen.IntentName}; recorded in the audit trail")));
            }

            return CliApp.ExitOk;
        });
        return command;
    }

    public static Command Outcome(IAnsiConsole console)
    {
        var record = new Argument<long>("record") { Description = "The design record of the design that was built." };
        var met = new Option<bool>("--met") { Description = "The built network does what the intent asked." };
        var notMet = new Option<bool>("--not-met") { Description = "It does not." };
        var cost = new Option<double?>("--cost") { Description = "What it actually cost (same unit as the design's cost)." };
        var latency = new Option<double?>("--max-latency-ms") { Description = "The worst latency measured, ms." };
        var note = new Option<string?>("--note") { Description = "What happened, for the audit trail." };
        var target = DesignTarget.Create();
        var command = new Command("outcome", "Report how a built design turned out, expected against actual; the recommender weighs the pattern by it from then on.") { record, met, notMet, cost, latency, note };
        target.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(met) == parse.GetValue(notMet))
            {
                throw new CliUsageException("give exactly one of --met and --not-met.");
            }

            var request = new ReportOutcomeRequest { RecordId = parse.GetValue(record), MetIntent = parse.GetValue(met), Note = parse.GetValue(note) ?? string.Empty };
            if (parse.GetValue(cost) is { } c)
            {
                request.ActualCost = c > 0 && double.IsFinite(c) ? c : throw new CliUsageException(Invariant($"--cost must be above 0 (got {c})."));
            }

            if (parse.GetValue(latency) is { } l)
            {
                request.ActualMaxLatencyMs = l > 0 && double.IsFinite(l) ? l : throw new CliUsageException(Invariant($"--max-latency-ms must be above 0 (got {l})."));
            }

            var address = target.RequiredAddress(parse, "An outcome");
            var updated = await DesignRemote.CallAsync(target, parse, address, (client, o) => client.ReportOutcomeAsync(request, o), ct).ConfigureAwait(false);
            if (!OutputFormat.TryWrite(parse, console, updated))
            {
                var s = updated.Scores;
                console.MarkupLine(Markup.Escape(Invariant($"design record {updated.RecordId} ({updated.Pattern} for {updated.IntentName}): {(updated.Outcome.MetIntent ? "met" : "did not meet")} the intent")
                    + (updated.Outcome.HasActualCost && s is not null ? Invariant($"; cost {updated.Outcome.ActualCost:N0} against {s.Cost:N0} expected") : string.Empty)
                    + Invariant($"; the recommender now credits it {updated.Outcome.RealisedScore:0.000}") + (updated.HasScore ? Invariant($" (scored {updated.Score:0.000})") : string.Empty)));
            }

            return CliApp.ExitOk;
        });
        return command;
    }

    public static Command Import(IAnsiConsole console)
    {
        var target = DesignTarget.Create();
        var command = new Command("import-history", "Move the local history file's records into the coordinator's shared history, once (a second run adds nothing).");
        target.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetRequiredValue(target.History).FullName;
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"Local design history '{path}' does not exist.");
            }

            var address = target.ImportAddress(parse);
            using var store = new DesignHistoryStore(path);
            var total = store.Count();
            var (added, already, after) = (0, 0, 0L);
            await console.Progress().AutoClear(true).Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn())
                .StartAsync(async ctx =>
                {
                    var task = ctx.AddTask("records", maxValue: Math.Max(1, total));
                    for (var rows = store.Rows(after, 200); rows.Count > 0; rows = store.Rows(after, 200))
                    {
                        var request = new ImportHistoryRequest { Source = store.FileId };
                        request.Records.AddRange(rows);
                        var reply = await DesignRemote.CallAsync(target, parse, address, (c, o) => c.ImportHistoryAsync(request, o), ct).ConfigureAwait(false);
                        (added, already, after) = (added + reply.Added, already + reply.Already, rows[^1].SourceId);
                        task.Increment(rows.Count);
                    }
                }).ConfigureAwait(false);
            console.MarkupLine(Markup.Escape(Invariant($"{added} record(s) of {path} added to the history at {address}; {already} were there from an earlier import")));
            return CliApp.ExitOk;
        });
        return command;
    }

    private static void Render(IAnsiConsole console, LearningReport report)
    {
        if (report.Records == 0)
        {
            console.WriteLine("The design history is empty: nothing to learn from yet.");
            return;
        }

        console.MarkupLine(Markup.Escape(Invariant($"{report.Records} record(s) by {string.Join(", ", report.Operators)}; {report.RecommendationRuns} recommendation run(s), {report.RunsWithChoice} with an option chosen, ")
            + (report.RunsWithChoice > 0 ? Invariant($"the first followed {report.Followed} time(s) ({100.0 * report.Followed / report.RunsWithChoice:0}%), mean rank chosen {report.MeanRankChosen:0.0}") : "none chosen yet")));
        console.MarkupLine(Markup.Escape(report.Outcomes == 0
            ? "No built design's outcome reported yet (networktwin design outcome)."
            : Invariant($"{report.Outcomes} outcome(s) reported, {report.OutcomesMet} met the intent") + (double.IsNaN(report.MeanCostRatio) ? string.Empty : Invariant($"; actual cost {report.MeanCostRatio:0.00} x expected on average"))));

        var patterns = new Table().Border(TableBorder.Rounded).Title("patterns by intent").AddColumns("redundancy", "objective", "pattern", "designs", "ranked first", "met constraints", "mean score", "chosen", "outcomes met");
        foreach (var p in report.Patterns)
        {
            patterns.AddRow(
                p.Redundancy,
                p.Objective,
                p.Pattern,
                Invariant($"{p.Offered}"),
                Invariant($"{p.RankedFirst}"),
                Invariant($"{p.MetConstraints} ({100.0 * p.MetConstraints / Math.Max(1, p.Offered):0}%)"),
                double.IsNaN(p.MeanScore) ? "-" : Invariant($"{p.MeanScore:0.000}"),
                Invariant($"{p.Chosen}"),
                p.Outcomes == 0 ? "-" : Invariant($"{p.OutcomesMet} of {p.Outcomes}"));
        }

        console.Write(patterns);
        if (report.Patterns.Count > 0)
        {
            var chart = new BarChart().Label("[bold]mean score by pattern (all intents)[/]").Width(60);
            var means = report.Patterns.Where(p => !double.IsNaN(p.MeanScore)).GroupBy(p => p.Pattern)
                .Select(g => (Pattern: g.Key, Mean: Math.Round(g.Sum(p => p.MeanScore * p.Offered) / g.Sum(p => p.Offered), 3)));
            foreach (var (pattern, mean) in means.OrderByDescending(m => m.Mean))
            {
                chart.AddItem(pattern, mean, Color.SteelBlue);
            }

            console.Write(chart);
        }

        var trend = new Table().Border(TableBorder.Rounded).Title("over time").AddColumns("from (UTC)", "recommendations", "chosen", "first followed", "mean top score", "outcomes met");
        foreach (var t in report.Trend)
        {
            trend.AddRow(
                Invariant($"{DateTimeOffset.FromUnixTimeMilliseconds(t.BucketUnixMs):yyyy-MM-dd}"),
                Invariant($"{t.Runs}"),
                Invariant($"{t.Chosen}"),
                t.Chosen == 0 ? "-" : Invariant($"{t.Followed} ({100.0 * t.Followed / t.Chosen:0}%)"),
                double.IsNaN(t.MeanTopScore) ? "-" : Invariant($"{t.MeanTopScore:0.000}"),
                t.Outcomes == 0 ? "-" : Invariant($"{t.OutcomesMet} of {t.Outcomes}"));
        }

        console.Write(trend);
    }

    private static Option<string?> SinceOption(string description) => new("--since") { Description = description };

    /// <summary>A duration back from now (30m, 12h, 7d) or a UTC time, as Unix ms; 0 when not given.</summary>
    private static long Since(string? text, string flag)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return 0;
        }

        var now = DateTimeOffset.UtcNow;
        if (text.Length > 1 && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) && amount > 0 && amount < 100_000)
        {
            TimeSpan? span = text[^1] switch
            {
                'm' => TimeSpan.FromMinutes(amount),
                'h' => TimeSpan.FromHours(amount),
                'd' => TimeSpan.FromDays(amount),
                _ => null,
            };
            if (span is { } back)
            {
                return (now - back).ToUnixTimeMilliseconds();
            }
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) && at <= now
            ? at.ToUnixTimeMilliseconds()
            : throw new CliUsageException($"{flag} must be a duration such as 30m, 12h or 7d, or a past UTC time such as 2026-11-01T00:00:00Z (got \"{text}\").");
    }
}
