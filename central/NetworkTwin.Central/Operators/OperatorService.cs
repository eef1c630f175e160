using System.Diagnostics;
using Grpc.Core;
using NetworkTwin.Central.Repository;
using NetworkTwin.Central.Sync;
using NetworkTwin.Central.Topology;
using NetworkTwin.Contracts.Operators;
using NetworkTwin.Contracts.Sync;
using NetworkTwin.Hosting.Observability;

namespace NetworkTwin.Central.Operators;

/// <summary>
/// The operators' API: agents and their liveness, the latest capacity of every agent's link, the
/// discovered link map and its capacities, commands, forecasts and models, decisions and the audit
/// trail, scenarios. <see cref="OperatorAuthInterceptor"/> checks the token before any of these runs.
/// </summary>
internal sealed class OperatorService(
    CoordinatorRepository repository,
    TopologyService topology,
    Training.ModelTrainer trainer,
    Control.ControlLoop control,
    CommandSignal signal,
    TimeProvider time) : Contracts.Operators.Operators.OperatorsBase
{
    public override Task<AgentList> ListAgents(ListAgentsRequest request, ServerCallContext context)
    {
        var list = new AgentList { ServerTimeUnixMs = time.GetUtcNow().ToUnixTimeMilliseconds() };
        list.Agents.AddRange(repository.Agents.List());
        return Task.FromResult(list);
    }

    public override Task<LinkList> ListLinks(ListLinksRequest request, ServerCallContext context)
    {
        var list = new LinkList();
        var discovered = Discovered();
        foreach (var link in repository.Results.LatestLinks(request.Site))
        {
            link.DiscoveredLinkId = discovered(link.AgentId, link.Link.Cells);
            list.Links.Add(link);
        }

        return Task.FromResult(list);
    }

    public override async Task<Contracts.Topology.TopologyMap> GetTopology(GetTopologyRequest request, ServerCallContext context) =>
        request.Refresh ? await topology.RefreshAsync(context.CancellationToken).ConfigureAwait(false) : topology.Current();

    public override Task<CapacityList> ListCapacities(CapacitiesRequest request, ServerCallContext context) => Task.FromResult(topology.Capacities());

    public override Task<CommandRecord> SendCommand(SendCommandRequest request, ServerCallContext context)
    {
        var who = OperatorAuthInterceptor.OperatorOf(context) ?? "operator";
        var command = request.Command ?? throw Invalid("command is required");
        if (command.BodyCase == Command.BodyOneofCase.None)
        {
            throw Invalid("command has no body (configure or model)");
        }

        if (!repository.Agents.List().Any(a => a.AgentId == command.AgentId))
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"no agent '{command.AgentId}' has registered with this coordinator"));
        }

        // The agent applies it under the operator's request span (the field is the coordinator's to fill, whatever the caller sent).
        command.TraceParent = TraceContext.Of(Activity.Current);
        var issued = repository.Commands.Issue(command);
        repository.Decisions.Audit(0, "operator:" + who, "command", $"{issued.BodyCase} command {issued.CommandId} to {issued.AgentId}: {(issued.Reason.Length > 0 ? issued.Reason : "(no reason given)")}");
        signal.Notify(issued.AgentId);
        return Task.FromResult(new CommandRecord { Command = issued, State = "pending" });
    }

    public override Task<DesignRun> PublishDesignRun(DesignRun request, ServerCallContext context)
    {
        if (string.IsNullOrWhiteSpace(request.Network) || request.Network.Length > 200 || request.Worst.Count > 50 || request.Kinds.Count > 10)
        {
            throw Invalid("a design run needs a network name of 1..200 characters, at most 10 kinds and at most 50 worst failures");
        }

        return Task.FromResult(repository.Runs.SaveDesign(request));
    }

    public override Task<DesignRunList> ListDesignRuns(ListDesignRunsRequest request, ServerCallContext context)
    {
        var list = new DesignRunList();
        list.Runs.AddRange(repository.Runs.Designs(request.Limit is > 0 and <= 1000 ? request.Limit : 20));
        return Task.FromResult(list);
    }

    public override Task<CommandList> ListCommands(ListCommandsRequest request, ServerCallContext context)
    {
        var list = new CommandList();
        list.Commands.AddRange(repository.Commands.List(request.AgentId, request.Limit is > 0 and <= 10_000 ? request.Limit : 100));
        return Task.FromResult(list);
    }

    public override Task<ForecastList> ListForecasts(ListForecastsRequest request, ServerCallContext context)
    {
        if (request.SinceSeconds is < 0 or > 7 * 86400)
        {
            throw Invalid("since_seconds must be 0..604800");
        }

        // Latest per link: the last hour is plenty (agents forecast every few seconds).
        var latest = request.SinceSeconds == 0;
        var since = time.GetUtcNow().AddSeconds(-(latest ? 3600 : request.SinceSeconds)).ToUnixTimeMilliseconds();
        var list = new ForecastList();
        var discovered = Discovered();
        foreach (var forecast in repository.Results.Forecasts(since, request.AgentId, latest))
        {
            forecast.DiscoveredLinkId = discovered(forecast.AgentId, forecast.Forecast.Cells);
            list.Forecasts.Add(forecast);
        }

        return Task.FromResult(list);
    }

    public override Task<ModelList> ListModels(ListModelsRequest request, ServerCallContext context)
    {
        var list = new ModelList();
        list.Models.AddRange(repository.Models.List(100));
        return Task.FromResult(list);
    }

    public override Task<RecommendationList> ListRecommendations(RecommendationsRequest request, ServerCallContext context)
    {
        var map = topology.Current();
        var recent = repository.Results.Forecasts(time.GetUtcNow().AddMinutes(-10).ToUnixTimeMilliseconds(), null, latestOnly: false);
        return Task.FromResult(CapacityAdvice.Build(map, topology.Capacities(map), recent));
    }

    public override Task<DecisionList> ListDecisions(ListDecisionsRequest request, ServerCallContext context)
    {
        if (request.State.Length > 0 && !Control.DecisionState.All.Contains(request.State))
        {
            throw Invalid($"state '{request.State}' is not one of {string.Join(", ", Control.DecisionState.All)}");
        }

        var list = new DecisionList();
        var discovered = Discovered();
        foreach (var decision in repository.Decisions.List(request.State.Length > 0 ? [request.State] : null, request.Limit is > 0 and <= 10_000 ? request.Limit : 100))
        {
            decision.DiscoveredLinkId = discovered(decision.AgentId, decision.Cells);
            list.Decisions.Add(decision);
        }

        return Task.FromResult(list);
    }

    public override async Task<Decision> Decide(DecideRequest request, ServerCallContext context)
    {
        var who = OperatorAuthInterceptor.OperatorOf(context) ?? (request.Operator.Length is > 0 and <= 64 ? request.Operator : "operator");
        if (request.Note.Length > 1000)
        {
            throw Invalid("note must be at most 1000 characters");
        }

        var decision = await control.DecideAsync(request.DecisionId, request.Approve, who, request.Note, context.CancellationToken).ConfigureAwait(false);
        decision.DiscoveredLinkId = Discovered()(decision.AgentId, decision.Cells);
        return decision;
    }

    public override Task<AuditList> ListAudit(ListAuditRequest request, ServerCallContext context)
    {
        var list = new AuditList();
        list.Entries.AddRange(repository.Decisions.AuditTrail(request.DecisionId, request.Limit is > 0 and <= 100_000 ? request.Limit : 200));
        return Task.FromResult(list);
    }

    public override Task<ScenarioRun> RunScenario(ScenarioRequest request, ServerCallContext context)
    {
        var who = OperatorAuthInterceptor.OperatorOf(context) ?? "operator";
        return Task.Run(() => Scenarios.ScenarioService.Run(repository, request, who, control.Options.SettleSeconds, context.CancellationToken), context.CancellationToken);
    }

    public override Task<ScenarioRunList> ListScenarioRuns(ListScenarioRunsRequest request, ServerCallContext context)
    {
        var list = new ScenarioRunList();
        list.Runs.AddRange(repository.Runs.Scenarios(request.Limit is > 0 and <= 1000 ? request.Limit : 20));
        return Task.FromResult(list);
    }

    public override Task<ModelRecord> TrainModel(TrainModelRequest request, ServerCallContext context) => trainer.TrainAsync(context.CancellationToken);

    /// <summary>
    /// One link identity: an agent's own link number is its local view; operators see the coordinator's discovered link
    /// (the one most of its cells are on in the current map), with the agent's number beside it. 0 = not on the map yet.
    /// </summary>
    private Func<string, IEnumerable<int>, int> Discovered()
    {
        var linkOfCell = CapacityView.LinkOfCell(topology.Current());
        return (agent, cells) => CapacityView.DiscoveredLink(agent, cells, linkOfCell) ?? 0;
    }

    private static RpcException Invalid(string detail) => new(new Status(StatusCode.InvalidArgument, detail));
}
