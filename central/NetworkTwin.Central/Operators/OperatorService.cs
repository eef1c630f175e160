using Microsoft.AspNetCore.Routing;
using NetworkTwin.Central.Repository;
using NetworkTwin.Central.Sync;
using NetworkTwin.Central.Topology;
using NetworkTwin.Contracts.Operators;
using NetworkTwin.Contracts.Sync;
using NetworkTwin.Rpc;
using NetworkTwin.Rpc.Server;

namespace NetworkTwin.Central.Operators;

/// <summary>The operators' API: agents and their liveness, the latest capacity of every agent's link, the discovered link map and its capacities.</summary>
public static class OperatorService
{
    public static void Map(IEndpointRouteBuilder routes, CoordinatorRepository repository, TopologyService topology, Learning.ModelTrainer trainer, Control.ControlLoop control, CommandSignal signal, AgentAuthenticator operators)
    {
        routes.MapUnary(OperatorMethods.ListAgents, (_, context) =>
        {
            operators.CheckAny(context);
            var list = new AgentList { ServerTimeUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() };
            list.Agents.AddRange(repository.Agents());
            return Task.FromResult(list);
        });
        routes.MapUnary(OperatorMethods.ListLinks, (request, context) =>
        {
            operators.CheckAny(context);
            var list = new LinkList();
            list.Links.AddRange(repository.LatestLinks(request.Site));
            return Task.FromResult(list);
        });
        routes.MapUnary(OperatorMethods.GetTopology, async (request, context) =>
        {
            operators.CheckAny(context);
            return request.Refresh ? await topology.RefreshAsync(context.CallCancelled).ConfigureAwait(false) : topology.Current();
        });
        routes.MapUnary(OperatorMethods.ListCapacities, (_, context) =>
        {
            operators.CheckAny(context);
            return Task.FromResult(topology.Capacities());
        });
        routes.MapUnary(OperatorMethods.SendCommand, (request, context) =>
        {
            var who = operators.CheckAny(context) ?? "operator";
            var command = request.Command ?? throw new RpcException(RpcStatusCode.InvalidArgument, "command is required");
            if (command.BodyCase == Command.BodyOneofCase.None)
            {
                throw new RpcException(RpcStatusCode.InvalidArgument, "command has no body (configure or model)");
            }

            if (!repository.Agents().Any(a => a.AgentId == command.AgentId))
            {
                throw new RpcException(RpcStatusCode.NotFound, $"no agent '{command.AgentId}' has registered with this coordinator");
            }

            var issued = repository.IssueCommand(command);
            repository.Audit(0, "operator:" + who, "command", $"{issued.BodyCase} command {issued.CommandId} to {issued.AgentId}: {(issued.Reason.Length > 0 ? issued.Reason : "(no reason given)")}");
            signal.Notify(issued.AgentId);
            return Task.FromResult(new CommandRecord { Command = issued, State = "pending" });
        });
        routes.MapUnary(OperatorMethods.PublishDesignRun, (run, context) =>
        {
            operators.CheckAny(context);
            if (string.IsNullOrWhiteSpace(run.Network) || run.Network.Length > 200 || run.Worst.Count > 50 || run.Kinds.Count > 10)
            {
                throw new RpcException(RpcStatusCode.InvalidArgument, "a design run needs a network name of 1..200 characters, at most 10 kinds and at most 50 worst failures");
            }

            return Task.FromResult(repository.SaveDesignRun(run));
        });
        routes.MapUnary(OperatorMethods.ListDesignRuns, (request, context) =>
        {
            operators.CheckAny(context);
            var list = new DesignRunList();
            list.Runs.AddRange(repository.DesignRuns(request.Limit is > 0 and <= 1000 ? request.Limit : 20));
            return Task.FromResult(list);
        });
        routes.MapUnary(OperatorMethods.ListCommands, (request, context) =>
        {
            operators.CheckAny(context);
            var list = new CommandList();
            list.Commands.AddRange(repository.Commands(request.AgentId, request.Limit is > 0 and <= 10_000 ? request.Limit : 100));
            return Task.FromResult(list);
        });
        routes.MapUnary(OperatorMethods.ListForecasts, (request, context) =>
        {
            operators.CheckAny(context);
            if (request.SinceSeconds is < 0 or > 7 * 86400)
            {
                throw new RpcException(RpcStatusCode.InvalidArgument, "since_seconds must be 0..604800");
            }

            // Latest per link: the last hour is plenty (agents forecast every few seconds).
            var latest = request.SinceSeconds == 0;
            var since = DateTimeOffset.UtcNow.AddSeconds(-(latest ? 3600 : request.SinceSeconds)).ToUnixTimeMilliseconds();
            var list = new ForecastList();
            list.Forecasts.AddRange(repository.Forecasts(since, request.AgentId, latest));
            return Task.FromResult(list);
        });
        routes.MapUnary(OperatorMethods.ListModels, (_, context) =>
        {
            operators.CheckAny(context);
            var list = new ModelList();
            list.Models.AddRange(repository.Models(100));
            return Task.FromResult(list);
        });
        routes.MapUnary(OperatorMethods.ListRecommendations, (_, context) =>
        {
            operators.CheckAny(context);
            var map = topology.Current();
            var recent = repository.Forecasts(DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeMilliseconds(), null, latestOnly: false);
            return Task.FromResult(CapacityAdvice.Build(map, topology.Capacities(map), recent));
        });
        routes.MapUnary(OperatorMethods.ListDecisions, (request, context) =>
        {
            operators.CheckAny(context);
            if (request.State.Length > 0 && !Control.DecisionState.All.Contains(request.State))
            {
                throw new RpcException(RpcStatusCode.InvalidArgument, $"state '{request.State}' is not one of {string.Join(", ", Control.DecisionState.All)}");
            }

            var list = new DecisionList();
            list.Decisions.AddRange(repository.Decisions(request.State.Length > 0 ? [request.State] : null, request.Limit is > 0 and <= 10_000 ? request.Limit : 100));
            return Task.FromResult(list);
        });
        routes.MapUnary(OperatorMethods.Decide, (request, context) =>
        {
            var who = operators.CheckAny(context) ?? (request.Operator.Length is > 0 and <= 64 ? request.Operator : "operator");
            if (request.Note.Length > 1000)
            {
                throw new RpcException(RpcStatusCode.InvalidArgument, "note must be at most 1000 characters");
            }

            return control.DecideAsync(request.DecisionId, request.Approve, who, request.Note, context.CallCancelled);
        });
        routes.MapUnary(OperatorMethods.ListAudit, (request, context) =>
        {
            operators.CheckAny(context);
            var list = new AuditList();
            list.Entries.AddRange(repository.AuditTrail(request.DecisionId, request.Limit is > 0 and <= 100_000 ? request.Limit : 200));
            return Task.FromResult(list);
        });
        routes.MapUnary(OperatorMethods.RunScenario, (request, context) =>
        {
            var who = operators.CheckAny(context) ?? "operator";
            return Task.Run(() => Scenarios.ScenarioService.Run(repository, request, who, control.Options.SettleSeconds, context.CallCancelled), context.CallCancelled);
        });
        routes.MapUnary(OperatorMethods.ListScenarioRuns, (request, context) =>
        {
            operators.CheckAny(context);
            var list = new ScenarioRunList();
            list.Runs.AddRange(repository.ScenarioRuns(request.Limit is > 0 and <= 1000 ? request.Limit : 20));
            return Task.FromResult(list);
        });
        routes.MapUnary(OperatorMethods.TrainModel, (_, context) =>
        {
            operators.CheckAny(context);
            return trainer.TrainAsync(context.CallCancelled);
        });
    }
}
