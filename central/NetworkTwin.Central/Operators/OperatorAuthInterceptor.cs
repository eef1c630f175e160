using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.DependencyInjection;
using NetworkTwin.Central.Sync;

namespace NetworkTwin.Central.Operators;

/// <summary>
/// Every call to the operators' API carries an operator token (Coordinator:OperatorTokens) when any
/// is configured; the token's name rides on in <see cref="ServerCallContext.UserState"/> for the audit
/// trail. A call without one gets UNAUTHENTICATED before its handler runs, and a log line without the token;
/// a viewer's call that would change something gets PERMISSION_DENIED (<see cref="OperatorRoles"/>).
/// </summary>
internal sealed class OperatorAuthInterceptor([FromKeyedServices(OperatorAuthInterceptor.Tokens)] AgentAuthenticator operators, OperatorRoles roles) : Interceptor
{
    /// <summary>The service key of the operators' authenticator (Coordinator:OperatorTokens), shared with the dashboard.</summary>
    public const string Tokens = "operators";

    private const string OperatorKey = "networktwin.operator";

    /// <summary>The operator's token name for the audit trail, or null when no operator tokens are configured.</summary>
    public static string? OperatorOf(ServerCallContext context) =>
        context.UserState.TryGetValue(OperatorKey, out var name) ? name as string : null;

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Authenticate(context);
        return continuation(request, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authenticate(context);
        return continuation(request, responseStream, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authenticate(context);
        return continuation(requestStream, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authenticate(context);
        return continuation(requestStream, responseStream, context);
    }

    private void Authenticate(ServerCallContext context)
    {
        if (operators.CheckAny(context) is { } name)
        {
            roles.Check(name, context.Method);
            context.UserState[OperatorKey] = name;
        }
    }
}
