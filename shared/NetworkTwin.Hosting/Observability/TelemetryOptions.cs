using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace NetworkTwin.Hosting.Observability;

/// <summary>Where a service pushes its metrics and traces besides its own <c>/metrics</c> page (section <c>Telemetry</c>).</summary>
public sealed class TelemetryOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Telemetry";

    /// <summary>An OTLP/gRPC collector such as http://collector:4317; empty pushes nothing and records no traces.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>The share of new traces recorded, 0..1 (a trace begun elsewhere follows the sender's choice).</summary>
    [Range(0d, 1d)]
    public double TraceSampleRatio { get; set; } = 1.0;

    /// <summary>Whether traces and pushed metrics are on.</summary>
    public bool Exporting => !string.IsNullOrWhiteSpace(OtlpEndpoint);
}

/// <summary>Checks <see cref="TelemetryOptions"/> on start; every problem is reported at once.</summary>
internal sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, TelemetryOptions options)
    {
        var problems = new List<string>();
        if (options.Exporting && (!Uri.TryCreate(options.OtlpEndpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
        {
            problems.Add($"Telemetry:OtlpEndpoint must be an http:// or https:// URL such as http://collector:4317 (got '{options.OtlpEndpoint}')");
        }

        if (!(options.TraceSampleRatio is >= 0 and <= 1))
        {
            problems.Add($"Telemetry:TraceSampleRatio must be between 0 and 1 (got {options.TraceSampleRatio})");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
