using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

using NetworkTwin.Testing.Legacy.Framing;

namespace NetworkTwin.Testing.Legacy.Server;

/// <summary>
/// Maps gRPC methods onto Kestrel endpoints: the standard wire protocol over HTTP/2 (h2c or TLS),
/// with deadlines, cancellation, status in trailers (or trailers-only before any message),
/// metadata and gzip-compressed requests.
/// </summary>
public static class RpcEndpoints
{
    public static IEndpointConventionBuilder MapUnary<TRequest, TResponse>(
        this IEndpointRouteBuilder routes, RpcMethod<TRequest, TResponse> method, Func<TRequest, RpcCallContext, Task<TResponse>> handler, RpcServerOptions? options = null)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new() =>
        Map(routes, method, options, async (requests, responses, context) =>
        {
            var request = await Single(requests, context).ConfigureAwait(false);
            await responses.WriteAsync(await handler(request, context).ConfigureAwait(false), context.CallCancelled).ConfigureAwait(false);
        });

    public static IEndpointConventionBuilder MapServerStreaming<TRequest, TResponse>(
        this IEndpointRouteBuilder routes, RpcMethod<TRequest, TResponse> method, Func<TRequest, RpcResponseWriter<TResponse>, RpcCallContext, Task> handler, RpcServerOptions? options = null)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new() =>
        Map(routes, method, options, async (requests, responses, context) =>
            await handler(await Single(requests, context).ConfigureAwait(false), responses, context).ConfigureAwait(false));

    public static IEndpointConventionBuilder MapClientStreaming<TRequest, TResponse>(
        this IEndpointRouteBuilder routes, RpcMethod<TRequest, TResponse> method, Func<RpcRequestReader<TRequest>, RpcCallContext, Task<TResponse>> handler, RpcServerOptions? options = null)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new() =>
        Map(routes, method, options, async (requests, responses, context) =>
            await responses.WriteAsync(await handler(requests, context).ConfigureAwait(false), context.CallCancelled).ConfigureAwait(false));

    public static IEndpointConventionBuilder MapDuplexStreaming<TRequest, TResponse>(
        this IEndpointRouteBuilder routes, RpcMethod<TRequest, TResponse> method, Func<RpcRequestReader<TRequest>, RpcResponseWriter<TResponse>, RpcCallContext, Task> handler, RpcServerOptions? options = null)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new() =>
        Map(routes, method, options, handler);

    private static async Task<T> Single<T>(RpcRequestReader<T> requests, RpcCallContext context)
        where T : class, IMessage<T>, new()
    {
        var first = await requests.ReadAsync(context.CallCancelled).ConfigureAwait(false)
            ?? throw new RpcException(RpcStatusCode.Internal, "the request has no message; this method takes exactly one");
        return await requests.ReadAsync(context.CallCancelled).ConfigureAwait(false) is null
            ? first
            : throw new RpcException(RpcStatusCode.Internal, "the request has more than one message; this method takes exactly one");
    }

    private static IEndpointConventionBuilder Map<TRequest, TResponse>(
        IEndpointRouteBuilder routes, RpcMethod<TRequest, TResponse> method, RpcServerOptions? options, Func<RpcRequestReader<TRequest>, RpcResponseWriter<TResponse>, RpcCallContext, Task> body)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        options ??= new RpcServerOptions();
        return routes.MapPost(method.Path, http => HandleAsync(http, method, options, body));
    }

    private static async Task HandleAsync<TRequest, TResponse>(
        HttpContext http, RpcMethod<TRequest, TResponse> method, RpcServerOptions options, Func<RpcRequestReader<TRequest>, RpcResponseWriter<TResponse>, RpcCallContext, Task> body)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        if (http.Request.ContentType?.StartsWith(GrpcHeaders.ContentType, StringComparison.OrdinalIgnoreCase) != true)
        {
            http.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            return;
        }

        // Long-lived streams: no request size limit and no minimum data rate (or they are cut off).
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = null;
        }

        if (http.Features.Get<IHttpMinRequestBodyDataRateFeature>() is { } rate)
        {
            rate.MinDataRate = null;
        }

        var encoding = http.Request.Headers[GrpcHeaders.Encoding].ToString();
        var timeout = GrpcHeaders.ParseTimeout(http.Request.Headers[GrpcHeaders.Timeout]);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        if (timeout is { } t)
        {
            deadline.CancelAfter(t);
        }

        var context = new RpcCallContext(http, method.Path, timeout is { } d ? DateTimeOffset.UtcNow + d : null, deadline.Token);
        var started = false;
        void Start()
        {
            if (!started)
            {
                started = true;
                http.Response.ContentType = GrpcHeaders.ContentType;
                http.Response.Headers[GrpcHeaders.AcceptEncoding] = "identity,gzip";
            }
        }

        var responses = new RpcResponseWriter<TResponse>(http.Response.BodyWriter, Start);
        RpcStatusCode status;
        string detail;
        try
        {
            if (encoding is not ("" or "identity" or "gzip"))
            {
                throw new RpcException(RpcStatusCode.Unimplemented, $"grpc-encoding {encoding} is not supported (identity, gzip)");
            }

            var requests = new RpcRequestReader<TRequest>(http.Request.BodyReader, method.RequestParser, options.MaxMessageBytes, encoding == "gzip");
            await body(requests, responses, context).ConfigureAwait(false);
            (status, detail) = (RpcStatusCode.OK, string.Empty);
        }
        catch (RpcException ex)
        {
            (status, detail) = (ex.StatusCode, ex.Detail);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client cancelled or went away: there is nobody to tell.
            return;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            (status, detail) = (RpcStatusCode.DeadlineExceeded, "Deadline Exceeded");
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Handler bugs are reported to the operator, not to the (possibly hostile) caller.
            options.OnHandlerError?.Invoke(method.Path, ex);
            (status, detail) = (RpcStatusCode.Unknown, "Exception was thrown by handler.");
        }

        if (!started)
        {
            // Trailers-only: the status rides in the headers of a response without a body.
            Start();
            http.Response.Headers[GrpcHeaders.Status] = ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (detail.Length > 0)
            {
                http.Response.Headers[GrpcHeaders.Message] = GrpcHeaders.EncodeMessage(detail);
            }

            foreach (var (key, value) in context.ResponseTrailers)
            {
                http.Response.Headers[key] = value;
            }

            return;
        }

        http.Response.AppendTrailer(GrpcHeaders.Status, ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (detail.Length > 0)
        {
            http.Response.AppendTrailer(GrpcHeaders.Message, GrpcHeaders.EncodeMessage(detail));
        }

        foreach (var (key, value) in context.ResponseTrailers)
        {
            http.Response.AppendTrailer(key, value);
        }
    }
}
