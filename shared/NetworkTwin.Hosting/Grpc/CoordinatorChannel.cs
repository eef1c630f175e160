using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;

namespace NetworkTwin.Hosting.Grpc;

/// <summary>How an agent or an operator's tool reaches the coordinator: address, trust, identity and limits.</summary>
public sealed record CoordinatorChannelSettings
{
    /// <summary>http:// (cleartext HTTP/2) or https:// (TLS, HTTP/2 by ALPN).</summary>
    public required Uri Address { get; init; }

    /// <summary>PEM file of the CA that signs the coordinator's certificate; null trusts the system's roots.</summary>
    public string? CaFile { get; init; }

    /// <summary>A certificate with its private key to present (mutual TLS), or null.</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>Largest message accepted from the coordinator (a model command carries the model's bytes).</summary>
    public int MaxReceiveMessageBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>Largest message sent (an uplink batch of results).</summary>
    public int MaxSendMessageBytes { get; init; } = 4 * 1024 * 1024;
}

/// <summary>
/// A grpc-dotnet channel to the coordinator over SocketsHttpHandler: HTTP/2 keep-alive pings so a
/// dead path is noticed on an idle stream, several HTTP/2 connections when one is full of streams,
/// the coordinator's certificate checked against the configured CA (host name included).
/// </summary>
public static class CoordinatorChannel
{
    public static GrpcChannel Create(CoordinatorChannelSettings settings, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            KeepAlivePingDelay = TimeSpan.FromSeconds(60),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(20),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
        };
        if (settings.CaFile is { Length: > 0 } ca)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = Security.TrustedCa.From(ca);
        }

        if (settings.ClientCertificate is { } certificate)
        {
            handler.SslOptions.ClientCertificates = [certificate];
        }

        handler.SslOptions.EnabledSslProtocols = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13;
        return GrpcChannel.ForAddress(settings.Address, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            MaxReceiveMessageSize = settings.MaxReceiveMessageBytes,
            MaxSendMessageSize = settings.MaxSendMessageBytes,
            LoggerFactory = loggerFactory,
        });
    }

    /// <summary>
    /// A failed call's status in words: its detail, and for a call that never reached the coordinator the
    /// transport's own reason ("Connection refused (10.0.0.5:7070)"), which grpc-dotnet keeps only in the
    /// status's debug exception ("Error connecting to subchannel.").
    /// </summary>
    public static string Describe(global::Grpc.Core.RpcException failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var cause = failure.Status.DebugException?.GetBaseException().Message;
        return string.IsNullOrEmpty(cause) || failure.Status.Detail.Contains(cause, StringComparison.Ordinal)
            ? failure.Status.Detail
            : $"{failure.Status.Detail} ({cause})";
    }

    /// <summary>Call metadata with the bearer token, or null without one.</summary>
    public static global::Grpc.Core.Metadata? Bearer(string? token) =>
        string.IsNullOrEmpty(token) ? null : new global::Grpc.Core.Metadata { { "authorization", $"Bearer {token}" } };
}
