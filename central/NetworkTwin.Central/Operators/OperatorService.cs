using Microsoft.AspNetCore.Routing;
using NetworkTwin.Central.Repository;
using NetworkTwin.Central.Sync;
using NetworkTwin.Central.Topology;
using NetworkTwin.Contracts.Operators;
using NetworkTwin.Rpc.Server;

namespace NetworkTwin.Central.Operators;

/// <summary>The operators' API: agents and their liveness, the latest capacity of every agent's link, the discovered link map and its capacities.</summary>
public static class OperatorService
{
    public static void Map(IEndpointRouteBuilder routes, CoordinatorRepository repository, TopologyService topology, AgentAuthenticator operators)
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
    }
}
