using System.Globalization;
using Grpc.Core;
using NetworkTwin.Analytics.Design;
using NetworkTwin.Analytics.Graphs;
using NetworkTwin.Analytics.Graphs.Formats;
using NetworkTwin.Analytics.Resilience;
using NetworkTwin.Central.Operators;
using NetworkTwin.Central.Repository;
using NetworkTwin.Contracts.Design;
using static System.FormattableString;

namespace NetworkTwin.Central.Designs;

/// <summary>
/// The design twin on the operators' API: the five operations run here (<see cref="DesignRuns"/>) and record in the
/// shared history with the caller's name; the recommender reads every operator's outcomes; choosing an option and
/// applying an optimisation are audit entries in the same trail as control decisions.
/// </summary>
internal sealed class DesignService(CoordinatorRepository repository, DesignRuns runs, TimeProvider time) : Contracts.Design.Designs.DesignsBase
{
    /// <summary>The operations a history record may name.</summary>
    private static readonly HashSet<string> Operations = new(StringComparer.Ordinal) { "validate", "simulate", "generate", "recommend", "optimize" };

    public override Task Validate(ValidateRequest request, IServerStreamWriter<DesignEvent> responseStream, ServerCallContext context)
    {
        var network = NetworkOf(request.Network);
        return runs.StreamAsync(responseStream, context, (_, _) => Reply(Save(context, [DesignOperations.Validate(network)])));
    }

    public override Task Simulate(SimulateRequest request, IServerStreamWriter<DesignEvent> responseStream, ServerCallContext context)
    {
        var network = NetworkOf(request.Network);
        var options = new SimulationOptions
        {
            SingleNodes = !request.NoNodes,
            DoubleLinks = !request.NoDoubles,
            DoubleSamples = request.DoubleSamples == 0 ? 2000 : request.DoubleSamples,
            ExhaustiveDoubleLimit = request.ExhaustiveLimit == 0 ? 20_000 : request.ExhaustiveLimit,
            DefaultCapacityGbps = request.HasDefaultCapacityGbps ? request.DefaultCapacityGbps : null,
            MaxParallelism = runs.Parallelism,
        };
        if (options.Validate() is { Count: > 0 } problems)
        {
            throw Invalid(string.Join("; ", problems));
        }

        return runs.StreamAsync(responseStream, context, (progress, ct) =>
        {
            var (record, _) = DesignOperations.Simulate(network, options, progress, ct);
            var stored = Save(context, [record]);

            // The dashboard's failure section shows the newest simulation, as it shows one published from the CLI.
            var run = record.Simulation.Clone();
            run.PublishedBy = stored[0].Operator;
            repository.Runs.SaveDesign(run);
            return Reply(stored);
        });
    }

    public override Task Generate(GenerateRequest request, IServerStreamWriter<DesignEvent> responseStream, ServerCallContext context)
    {
        var intent = IntentOf(request.Intent);
        var pattern = PatternOf(request.Pattern, required: true);
        return runs.StreamAsync(responseStream, context, (_, ct) => Reply(Save(context, [DesignOperations.Generate(intent, pattern, runs.Parallelism, ct)])));
    }

    public override Task Recommend(RecommendRequest request, IServerStreamWriter<DesignEvent> responseStream, ServerCallContext context)
    {
        var intent = IntentOf(request.Intent);
        return runs.StreamAsync(responseStream, context, (progress, ct) =>
        {
            var history = repository.Designs.Outcomes(intent.Intent.Redundancy, intent.Intent.Objective);
            var (options, recommendation) = DesignOperations.Recommend(intent, history, progress, runs.Parallelism, ct);
            var reply = Reply(Save(context, options));
            reply.Skipped.AddRange(recommendation.Skipped);
            reply.SimilarPastOutcomes = recommendation.SimilarPastOutcomes;
            return reply;
        });
    }

    public override Task Optimize(OptimizeRequest request, IServerStreamWriter<DesignEvent> responseStream, ServerCallContext context)
    {
        var intent = IntentOf(request.Intent);
        var pattern = request.Pattern.Length == 0 ? TopologyPattern.Hybrid : PatternOf(request.Pattern, required: true);
        var trials = request.MaxTrials == 0 ? 20 : request.MaxTrials;
        if (trials is < 1 or > 1000)
        {
            throw Invalid(Invariant($"max_trials must be 1..1000 (got {request.MaxTrials})"));
        }

        return runs.StreamAsync(responseStream, context, (progress, ct) =>
        {
            var stored = Save(context, [DesignOperations.Optimize(intent, pattern, trials, progress, runs.Parallelism, ct)]);
            var r = stored[0];
            repository.Decisions.Audit(
                0,
                "operator:" + r.Operator,
                "design-optimised",
                Invariant($"design record {r.RecordId}: {r.Pattern} for intent '{r.IntentName}', {r.Summary}; cost {r.StartScores.Cost:N0} -> {r.Scores.Cost:N0}, worst latency {r.StartScores.MaxLatencyMs:0.00} -> {r.Scores.MaxLatencyMs:0.00} ms"));
            return Reply(stored);
        });
    }

    public override Task<DesignHistory> ListHistory(DesignHistoryRequest request, ServerCallContext context)
    {
        if (request.Operation.Length > 0 && !Operations.Contains(request.Operation))
        {
            throw Invalid($"operation '{request.Operation}' is not one of {string.Join(", ", Operations)}");
        }

        if (request.Pattern.Length > 0 && !Enum.TryParse<TopologyPattern>(request.Pattern, out _))
        {
            throw Invalid($"pattern '{request.Pattern}' is not one of {string.Join(", ", Enum.GetNames<TopologyPattern>())}");
        }

        if (request.Intent.Length > 200 || request.SinceUnixMs < 0 || request.UntilUnixMs < 0)
        {
            throw Invalid("intent must be at most 200 characters, and since/until times 0 or later");
        }

        var size = Paging.Size(request.PageSize, 100, "page_size", 1000);
        var filter = new DesignStore.Filter(request.Pattern, request.Intent, request.Operation, request.SinceUnixMs, request.UntilUnixMs);
        var page = repository.Designs.Page(filter, size + 1, Paging.Below("design-history", request.PageToken), request.WithDesigns);
        var list = new DesignHistory { NextPageToken = Paging.Next("design-history", page, size, r => [Paging.Id(r.RecordId)]) };
        list.Records.AddRange(page.Take(size));
        return Task.FromResult(list);
    }

    public override Task<LearningReport> GetLearningReport(LearningReportRequest request, ServerCallContext context)
    {
        if (request.Bucket is not ("" or "day" or "week"))
        {
            throw Invalid($"bucket must be day or week (got '{request.Bucket}')");
        }

        if (request.SinceUnixMs < 0)
        {
            throw Invalid("since_unix_ms must be 0 or later");
        }

        return Task.FromResult(DesignLearning.Report(repository.Designs.Since(request.SinceUnixMs), weekly: request.Bucket == "week"));
    }

    public override Task<DesignRecord> ChooseDesign(ChooseDesignRequest request, ServerCallContext context)
    {
        var who = Who(context);
        var note = NoteOf(request.Note);
        var record = Change(request.RecordId, () => repository.Designs.Choose(request.RecordId, who, time.GetUtcNow().ToUnixTimeMilliseconds()));
        repository.Decisions.Audit(
            0,
            "operator:" + who,
            "design-chosen",
            Invariant($"design record {record.RecordId}: option {record.Rank} ({record.Pattern}, score {record.Score:0.000}, confidence {record.Confidence:0.00}) of recommendation run {record.RunId} for intent '{record.IntentName}'") + note);
        return Task.FromResult(record);
    }

    public override Task<DesignRecord> ReportOutcome(ReportOutcomeRequest request, ServerCallContext context)
    {
        var who = Who(context);
        var note = NoteOf(request.Note);
        if ((request.HasActualCost && !(request.ActualCost > 0 && double.IsFinite(request.ActualCost)))
            || (request.HasActualMaxLatencyMs && !(request.ActualMaxLatencyMs > 0 && double.IsFinite(request.ActualMaxLatencyMs))))
        {
            throw Invalid("actual_cost and actual_max_latency_ms, when given, must be finite and above 0");
        }

        var reportedUnixMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        var record = Change(request.RecordId, () => repository.Designs.ReportOutcome(request.RecordId, held =>
        {
            var outcome = new BuiltOutcome
            {
                ReportedUnixMs = reportedUnixMs,
                ReportedBy = who,
                MetIntent = request.MetIntent,
                Note = request.Note,
                RealisedScore = DesignOperations.RealisedScore(held, request.HasActualCost ? request.ActualCost : null, request.HasActualMaxLatencyMs ? request.ActualMaxLatencyMs : null),
            };
            if (request.HasActualCost)
            {
                outcome.ActualCost = request.ActualCost;
            }

            if (request.HasActualMaxLatencyMs)
            {
                outcome.ActualMaxLatencyMs = request.ActualMaxLatencyMs;
            }

            return outcome;
        }));
        var o = record.Outcome;
        repository.Decisions.Audit(
            0,
            "operator:" + who,
            "design-outcome",
            Invariant($"design record {record.RecordId} ({record.Operation} {record.Pattern} for intent '{record.IntentName}'): {(o.MetIntent ? "met" : "did not meet")} the intent")
                + (o.HasActualCost ? Invariant($", cost {o.ActualCost:N0} against {record.Scores?.Cost ?? 0:N0} expected") : string.Empty)
                + (o.HasActualMaxLatencyMs ? Invariant($", worst latency {o.ActualMaxLatencyMs:0.00} ms against {record.Scores?.MaxLatencyMs ?? 0:0.00}") : string.Empty)
                + note);
        return Task.FromResult(record);
    }

    public override Task<ImportHistoryReply> ImportHistory(ImportHistoryRequest request, ServerCallContext context)
    {
        var who = Who(context);
        if (request.Source.Length is 0 or > 100 || request.Records.Count > 500)
        {
            throw Invalid("an import needs a source of 1..100 characters and at most 500 records per call");
        }

        var records = new List<DesignRecord>(request.Records.Count);
        foreach (var (r, i) in request.Records.Select((r, i) => (r, i)))
        {
            if (!Operations.Contains(r.Operation) || r.IntentName.Length > 200 || r.RecordedUnixMs <= 0 || r.SourceId <= 0
                || (r.Pattern.Length > 0 && !Enum.TryParse<TopologyPattern>(r.Pattern, out _)))
            {
                throw Invalid(Invariant($"records[{i}] (row {r.SourceId}): needs an operation of {string.Join(", ", Operations)}, a known pattern or none, an intent name of at most 200 characters, a time and the row's id"));
            }

            // What the file holds is what was run there: a choice or an outcome is made here, and a run id is this repository's.
            var copy = r.Clone();
            copy.Operator = r.Operator.Length is > 0 and <= 64 ? r.Operator : who;
            copy.Chosen = false;
            copy.ChosenBy = string.Empty;
            copy.ChosenUnixMs = 0;
            copy.Outcome = null;
            copy.RunId = 0;
            records.Add(copy);
        }

        var source = "import:" + request.Source;
        var (added, already) = repository.Designs.Import(source, records);
        if (added > 0)
        {
            repository.Decisions.Audit(0, "operator:" + who, "design-history-imported", Invariant($"{added} design record(s) from local history {request.Source} ({already} already here)"));
        }

        return Task.FromResult(new ImportHistoryReply { Added = added, Already = already });
    }

    private static string Who(ServerCallContext context) => OperatorAuthInterceptor.OperatorOf(context) ?? "operator";

    private static string NoteOf(string note) => note.Length > 1000
        ? throw Invalid("note must be at most 1000 characters")
        : note.Length > 0 ? ": " + note : string.Empty;

    private IReadOnlyList<DesignRecord> Save(ServerCallContext context, IReadOnlyList<DesignRecord> records)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var who = Who(context);
        foreach (var record in records)
        {
            record.RecordedUnixMs = now;
            record.Operator = who;
        }

        return repository.Designs.Save(records);
    }

    private static DesignReply Reply(IReadOnlyList<DesignRecord> records)
    {
        var reply = new DesignReply();
        reply.Records.AddRange(records);
        return reply;
    }

    private static DesignRecord Change(long recordId, Func<DesignRecord?> change)
    {
        try
        {
            return change() ?? throw new RpcException(new Status(StatusCode.NotFound, Invariant($"no design record {recordId} in this coordinator's history")));
        }
        catch (InvalidOperationException ex)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, ex.Message));
        }
    }

    private static Network NetworkOf(NetworkDocument? document)
    {
        if (document is null || document.Json.Length == 0)
        {
            throw Invalid("network is required (a JSON network document)");
        }

        try
        {
            return NetworkJson.Parse(document.Json).Network;
        }
        catch (InvalidDataException ex)
        {
            throw Invalid("network: " + ex.Message);
        }
    }

    private static ExpandedIntent IntentOf(IntentDocument? document)
    {
        if (document is null || document.Json.Length == 0)
        {
            throw Invalid("intent is required (the intent document as JSON)");
        }

        try
        {
            return ExpandedIntent.From(IntentJson.Parse(document.Json, "intent"));
        }
        catch (Exception ex) when (ex is InvalidDataException or ArgumentException)
        {
            throw Invalid(ex.Message);
        }
    }

    private static TopologyPattern PatternOf(string text, bool required)
    {
        if (Enum.TryParse<TopologyPattern>(text, ignoreCase: true, out var pattern) && Enum.IsDefined(pattern) && !int.TryParse(text, CultureInfo.InvariantCulture, out _))
        {
            return pattern;
        }

        throw Invalid((required && text.Length == 0 ? "pattern is required" : $"pattern '{text}' is not known") + $"; one of {string.Join(", ", Enum.GetNames<TopologyPattern>())}");
    }

    private static RpcException Invalid(string detail) => new(new Status(StatusCode.InvalidArgument, detail));
}
