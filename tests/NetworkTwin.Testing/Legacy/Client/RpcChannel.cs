using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using Google.Protobuf;

using NetworkTwin.Testing.Legacy.Framing;

namespace NetworkTwin.Testing.Legacy.Client;

/// <summary>
/// The client side of the gRPC wire protocol on HttpClient: HTTP/2 only (h2c for http://,
/// TLS for https://), unary and streaming calls, deadlines, cancellation, metadata, gzip requests,
/// and the status from the trailers (or from the headers of a trailers-only response).
/// </summary>
public sealed class RpcChannel : IDisposable
{
    private readonly HttpClient _http;
    private readonly Uri _address;

    /// <param name="address">http:// (cleartext HTTP/2) or https:// (TLS, HTTP/2 by ALPN).</param>
    /// <param name="certificateValidation">How to check the server's certificate (null: the system's roots).</param>
    /// <param name="maxMessageBytes">Largest response message accepted.</param>
    /// <param name="clientCertificate">A certificate with its private key to present to the server (mutual TLS), or null.</param>
    public RpcChannel(Uri address, RemoteCertificateValidationCallback? certificateValidation = null, int maxMessageBytes = GrpcFraming.DefaultMaxMessageBytes, X509Certificate2? clientCertificate = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        _address = address;
        MaxMessageBytes = maxMessageBytes;
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            KeepAlivePingDelay = TimeSpan.FromSeconds(60),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(20),
        };
        if (certificateValidation is not null)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = certificateValidation;
        }

        if (clientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [clientCertificate];
        }

        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public int MaxMessageBytes { get; }

    public async Task<TResponse> UnaryAsync<TRequest, TResponse>(RpcMethod<TRequest, TResponse> method, TRequest request, RpcCallOptions? options = null)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        TResponse? result = null;
        await foreach (var response in Call(method, Single(request), options ?? new RpcCallOptions()).ConfigureAwait(false))
        {
            result = result is null ? response : throw new RpcException(RpcStatusCode.Internal, "the server sent more than one response to a unary call");
        }

        return result ?? throw new RpcException(RpcStatusCode.Internal, "the server sent no response message");
    }

    public IAsyncEnumerable<TResponse> ServerStreamingAsync<TRequest, TResponse>(RpcMethod<TRequest, TResponse> method, TRequest request, RpcCallOptions? options = null)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new() =>
        Call(method, Single(request), options ?? new RpcCallOptions());

    public async Task<TResponse> ClientStreamingAsync<TRequest, TResponse>(RpcMethod<TRequest, TResponse> method, IAsyncEnumerable<TRequest> requests, RpcCallOptions? options = null)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        TResponse? result = null;
        await foreach (var response in Call(method, requests, options ?? new RpcCallOptions()).ConfigureAwait(false))
        {
            result = result is null ? response : throw new RpcException(RpcStatusCode.Internal, "the server sent more than one response to a client-streaming call");
        }

        return result ?? throw new RpcException(RpcStatusCode.Internal, "the server sent no response message");
    }

    /// <summary>A bidirectional call: write requests while reading responses; complete the requests to end.</summary>
    public RpcDuplexCall<TRequest, TResponse> Duplex<TRequest, TResponse>(RpcMethod<TRequest, TResponse> method, RpcCallOptions? options = null)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        var requests = Channel.CreateBounded<TRequest>(new BoundedChannelOptions(64) { SingleReader = true });
        return new RpcDuplexCall<TRequest, TResponse>(requests.Writer, Call(method, requests.Reader.ReadAllAsync(), options ?? new RpcCallOptions()));
    }

    public void Dispose() => _http.Dispose();

    private static async IAsyncEnumerable<T> Single<T>(T item)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        yield return item;
    }

    private async IAsyncEnumerable<TResponse> Call<TRequest, TResponse>(
        RpcMethod<TRequest, TResponse> method, IAsyncEnumerable<TRequest> requests, RpcCallOptions options, [EnumeratorCancellation] CancellationToken enumeration = default)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(options.CancellationToken, enumeration);
        using var deadline = new CancellationTokenSource();
        if (options.Timeout is { } timeout)
        {
            deadline.CancelAfter(timeout);
        }

        using var link = deadline.Token.Register(cts.Cancel);
        var token = cts.Token;
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_address, method.Path))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new RpcRequestContent((stream, ct) => WriteRequestsAsync(stream, requests, options.GzipRequests, ct), token),
        };
        request.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
        request.Headers.TryAddWithoutValidation(GrpcHeaders.AcceptEncoding, "identity,gzip");
        request.Headers.UserAgent.ParseAdd("networktwin-rpc/1.0");
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(GrpcHeaders.ContentType);
        if (options.GzipRequests)
        {
            request.Headers.TryAddWithoutValidation(GrpcHeaders.Encoding, "gzip");
        }

        if (options.Timeout is { } t)
        {
            request.Headers.TryAddWithoutValidation(GrpcHeaders.Timeout, GrpcHeaders.FormatTimeout(t));
        }

        foreach (var (key, value) in options.Headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(key, value);
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException)
        {
            throw Failure(ex, deadline, options);
        }

        using (response)
        {
            CheckHeaders(response);
            if (response.Headers.TryGetValues(GrpcHeaders.Status, out var early))
            {
                // Trailers-only response: the status is all there is.
                ThrowIfNotOk(early.FirstOrDefault(), response.Headers.TryGetValues(GrpcHeaders.Message, out var m) ? m.FirstOrDefault() : null);
                yield break;
            }

            var gzip = response.Headers.TryGetValues(GrpcHeaders.Encoding, out var enc) && enc.Contains("gzip");
            Stream stream;
            try
            {
                stream = await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException or IOException)
            {
                throw Failure(ex, deadline, options);
            }

            var reader = PipeReader.Create(stream);
            while (true)
            {
                TResponse? message = null;
                var done = false;
                try
                {
                    var result = await reader.ReadAsync(token).ConfigureAwait(false);
                    var buffer = result.Buffer;
                    try
                    {
                        if (!GrpcFraming.TryRead(ref buffer, method.ResponseParser, MaxMessageBytes, gzip, out message) && result.IsCompleted)
                        {
                            done = true;
                            if (!buffer.IsEmpty)
                            {
                                throw new RpcException(RpcStatusCode.Internal, $"the response ended inside a message ({buffer.Length} bytes left)");
                            }
                        }
                    }
                    finally
                    {
                        // After a message, the rest is not examined yet: the next read must look at it before waiting for more bytes.
                        if (message is not null)
                        {
                            reader.AdvanceTo(buffer.Start);
                        }
                        else
                        {
                            reader.AdvanceTo(buffer.Start, buffer.End);
                        }
                    }
                }
                catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException or IOException)
                {
                    throw Failure(ex, deadline, options);
                }

                if (message is not null)
                {
                    yield return message;
                }
                else if (done)
                {
                    break;
                }
            }

            await reader.CompleteAsync().ConfigureAwait(false);
            var trailers = response.TrailingHeaders;
            ThrowIfNotOk(
                trailers.TryGetValues(GrpcHeaders.Status, out var status) ? status.FirstOrDefault() : null,
                trailers.TryGetValues(GrpcHeaders.Message, out var detail) ? detail.FirstOrDefault() : null);
        }
    }

    private static async Task WriteRequestsAsync<TRequest>(Stream stream, IAsyncEnumerable<TRequest> requests, bool gzip, CancellationToken cancellationToken)
        where TRequest : IMessage<TRequest>
    {
        var writer = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
        await foreach (var message in requests.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            GrpcFraming.Write(writer, message, gzip);
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        await writer.CompleteAsync().ConfigureAwait(false);
    }

    private static void CheckHeaders(HttpResponseMessage response)
    {
        if (response.StatusCode != HttpStatusCode.OK)
        {
            // gRPC's mapping of HTTP statuses from a non-gRPC hop (doc/http-grpc-status-mapping.md).
            var code = response.StatusCode switch
            {
                HttpStatusCode.BadRequest => RpcStatusCode.Internal,
                HttpStatusCode.Unauthorized => RpcStatusCode.Unauthenticated,
                HttpStatusCode.Forbidden => RpcStatusCode.PermissionDenied,
                HttpStatusCode.NotFound => RpcStatusCode.Unimplemented,
                HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout => RpcStatusCode.Unavailable,
                _ => RpcStatusCode.Unknown,
            };
            throw new RpcException(code, $"HTTP {(int)response.StatusCode} from the server");
        }

        var type = response.Content.Headers.ContentType?.MediaType;
        if (type is null || !type.StartsWith(GrpcHeaders.ContentType, StringComparison.OrdinalIgnoreCase))
        {
            throw new RpcException(RpcStatusCode.Unknown, $"the response content-type is {type ?? "missing"}, not {GrpcHeaders.ContentType}");
        }
    }

    private static void ThrowIfNotOk(string? status, string? message)
    {
        if (!int.TryParse(status, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var code))
        {
            throw new RpcException(RpcStatusCode.Internal, $"the response carries no valid grpc-status (\"{status}\")");
        }

        if (code != 0)
        {
            throw new RpcException(Enum.IsDefined((RpcStatusCode)code) ? (RpcStatusCode)code : RpcStatusCode.Unknown, GrpcHeaders.DecodeMessage(message));
        }
    }

    private static RpcException Failure(Exception ex, CancellationTokenSource deadline, RpcCallOptions options) =>
        ex is RpcException rpc ? rpc
        : deadline.IsCancellationRequested ? new RpcException(RpcStatusCode.DeadlineExceeded, "Deadline Exceeded")
        : options.CancellationToken.IsCancellationRequested || ex is OperationCanceledException ? new RpcException(RpcStatusCode.Cancelled, "the call was cancelled")
        : new RpcException(RpcStatusCode.Unavailable, ex.Message);
}
