namespace NetworkTwin.Contracts.Operators;

/// <summary>The Operators service's methods (operators.proto).</summary>
public static class OperatorMethods
{
    public const string Service = "networktwin.operators.Operators";

    public static readonly RpcMethod<ListAgentsRequest, AgentList> ListAgents = new(Service, "ListAgents", RpcMethodType.Unary);

    public static readonly RpcMethod<ListLinksRequest, LinkList> ListLinks = new(Service, "ListLinks", RpcMethodType.Unary);

    public static readonly RpcMethod<GetTopologyRequest, Topology.TopologyMap> GetTopology = new(Service, "GetTopology", RpcMethodType.Unary);

    public static readonly RpcMethod<CapacitiesRequest, CapacityList> ListCapacities = new(Service, "ListCapacities", RpcMethodType.Unary);

    public static readonly RpcMethod<SendCommandRequest, CommandRecord> SendCommand = new(Service, "SendCommand", RpcMethodType.Unary);

    public static readonly RpcMethod<ListCommandsRequest, CommandList> ListCommands = new(Service, "ListCommands", RpcMethodType.Unary);

    public static readonly RpcMethod<DesignRun, DesignRun> PublishDesignRun = new(Service, "PublishDesignRun", RpcMethodType.Unary);

    public static readonly RpcMethod<ListDesignRunsRequest, DesignRunList> ListDesignRuns = new(Service, "ListDesignRuns", RpcMethodType.Unary);

    public static readonly RpcMethod<ListForecastsRequest, ForecastList> ListForecasts = new(Service, "ListForecasts", RpcMethodType.Unary);

    public static readonly RpcMethod<ListModelsRequest, ModelList> ListModels = new(Service, "ListModels", RpcMethodType.Unary);

    public static readonly RpcMethod<TrainModelRequest, ModelRecord> TrainModel = new(Service, "TrainModel", RpcMethodType.Unary);

    public static readonly RpcMethod<RecommendationsRequest, RecommendationList> ListRecommendations = new(Service, "ListRecommendations", RpcMethodType.Unary);

    public static readonly RpcMethod<ListDecisionsRequest, DecisionList> ListDecisions = new(Service, "ListDecisions", RpcMethodType.Unary);

    public static readonly RpcMethod<DecideRequest, Decision> Decide = new(Service, "Decide", RpcMethodType.Unary);

    public static readonly RpcMethod<ListAuditRequest, AuditList> ListAudit = new(Service, "ListAudit", RpcMethodType.Unary);

    public static readonly RpcMethod<ScenarioRequest, ScenarioRun> RunScenario = new(Service, "RunScenario", RpcMethodType.Unary);

    public static readonly RpcMethod<ListScenarioRunsRequest, ScenarioRunList> ListScenarioRuns = new(Service, "ListScenarioRuns", RpcMethodType.Unary);
}
