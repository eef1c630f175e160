using System.ComponentModel.DataAnnotations;
namespace NetworkTwin.Central.Service;

/// <summary>Coordinator:Grpc: the limits and encodings of the agents' and operators' gRPC port.</summary>
internal sealed record GrpcWireOptions
{
    /// <summary>Largest message the coordinator accepts (an uplink batch): default 4 MiB, 64 KiB..64 MiB.</summary>
    [Range(65_536, 67_108_864)]
    public int MaxReceiveMessageBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>Largest message it sends (a model command carries the model): default 16 MiB, 64 KiB..256 MiB.</summary>
    [Range(65_536, 268_435_456)]
    public int MaxSendMessageBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>How responses are compressed: identity (default) or gzip. Requests in gzip are always accepted.</summary>
    [AllowedValues("identity", "gzip")]
    public string ResponseCompression { get; init; } = "identity";

    /// <summary>Send a handler's exception text to the caller (default false: callers get "Exception was thrown by handler", the log gets the detail).</summary>
    public bool DetailedErrors { get; init; }

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (MaxReceiveMessageBytes is < 64 * 1024 or > 64 * 1024 * 1024)
        {
            errors.Add($"Coordinator:Grpc:MaxReceiveMessageBytes must be 65536..67108864 (got {MaxReceiveMessageBytes}).");
        }

        if (MaxSendMessageBytes is < 64 * 1024 or > 256 * 1024 * 1024)
        {
            errors.Add($"Coordinator:Grpc:MaxSendMessageBytes must be 65536..268435456 (got {MaxSendMessageBytes}).");
        }

        if (ResponseCompression is not ("identity" or "gzip"))
        {
            errors.Add($"Coordinator:Grpc:ResponseCompression must be identity or gzip (got '{ResponseCompression}').");
        }

        return errors;
    }
}
