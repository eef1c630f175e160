using Grpc.Core;

namespace NetworkTwin.Central.Operators;

/// <summary>
/// What an operator token may do (Coordinator:OperatorRoles:&lt;name&gt;): a <c>viewer</c> reads everything (the CLI's
/// lists, the dashboard); an <c>operator</c>, the default, also changes things (approves and rejects decisions, sends
/// commands, trains models, runs and records scenarios, publishes design runs, runs the design twin and records choices and outcomes in its history).
/// </summary>
internal sealed class OperatorRoles(IReadOnlyDictionary<string, string> roles)
{
    public const string Viewer = "viewer";
    public const string Operator = "operator";

    /// <summary>The operators' API calls that change the twin or act on the network (by gRPC method name).</summary>
    private static readonly HashSet<string> Changes = new(StringComparer.Ordinal)
    {
        nameof(Contracts.Operators.Operators.OperatorsBase.SendCommand),
        nameof(Contracts.Operators.Operators.OperatorsBase.Decide),
        nameof(Contracts.Operators.Operators.OperatorsBase.TrainModel),
        nameof(Contracts.Operators.Operators.OperatorsBase.RunScenario),
        nameof(Contracts.Operators.Operators.OperatorsBase.PublishDesignRun),

        // The design twin's runs record in the shared history; choices, outcomes and imports change it.
        nameof(Contracts.Design.Designs.DesignsBase.Validate),
        nameof(Contracts.Design.Designs.DesignsBase.Simulate),
        nameof(Contracts.Design.Designs.DesignsBase.Generate),
        nameof(Contracts.Design.Designs.DesignsBase.Recommend),
        nameof(Contracts.Design.Designs.DesignsBase.Optimize),
        nameof(Contracts.Design.Designs.DesignsBase.ChooseDesign),
        nameof(Contracts.Design.Designs.DesignsBase.ReportOutcome),
        nameof(Contracts.Design.Designs.DesignsBase.ImportHistory),
    };

    /// <summary>Whether the named operator may change things.</summary>
    public bool MayChange(string name) => !string.Equals(roles.GetValueOrDefault(name), Viewer, StringComparison.Ordinal);

    /// <summary>Throws PERMISSION_DENIED when a viewer calls a method that changes things.</summary>
    public void Check(string name, string method)
    {
        var call = method[(method.LastIndexOf('/') + 1)..];
        if (Changes.Contains(call) && !MayChange(name))
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, $"operator '{name}' may only read (Coordinator:OperatorRoles:{name} is viewer); {call} needs the operator role"));
        }
    }
}
