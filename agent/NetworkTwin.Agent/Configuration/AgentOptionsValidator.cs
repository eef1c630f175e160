using Microsoft.Extensions.Options;
using NetworkTwin.Contracts.Telemetry;
using NetworkTwin.Hosting.Security;
using NetworkTwin.Mqtt;

namespace NetworkTwin.Agent.Configuration;

/// <summary>Checks every key at start; each failure names the key and the allowed range.</summary>
internal sealed class AgentOptionsValidator : IValidateOptions<AgentOptions>
{
    public ValidateOptionsResult Validate(string? name, AgentOptions options)
    {
        var errors = new List<string>();
        var site = TelemetryTopic.ValidateSite(options.Site);
        if (site is not null)
        {
            errors.Add($"Agent:Site: {site}.");
        }

        if (!(options.Window.Seconds is >= 1 and <= 120))
        {
            errors.Add($"Agent:Window:Seconds must be 1..120 (got {options.Window.Seconds}).");
        }

        if (!(options.Window.EvaluateEverySeconds is >= 0.2 and <= 3600))
        {
            errors.Add($"Agent:Window:EvaluateEverySeconds must be 0.2..3600 (got {options.Window.EvaluateEverySeconds}).");
        }

        var analysis = options.Analysis;
        foreach (var (cell, link) in analysis.Pins)
        {
            if (!int.TryParse(cell, out var id) || id < 0)
            {
                errors.Add($"Agent:Analysis:Pins:{cell}: the key must be a cell id >= 0.");
            }

            if (link < 1 || (analysis.DeclaredLinks is { } n && link > n))
            {
                errors.Add($"Agent:Analysis:Pins:{cell} must be a link id 1..{analysis.DeclaredLinks?.ToString() ?? "N"} (got {link}).");
            }
        }

        // Pins are checked above, by their keys.
        foreach (var problem in ToFronthaulOptions(analysis).Validate().Where(p => !p.StartsWith("--pin", StringComparison.Ordinal)))
        {
            // The analysis names its CLI flags; translate them to configuration keys.
            errors.Add("Agent:Analysis:" + problem
                .Replace("--links", "DeclaredLinks", StringComparison.Ordinal)
                .Replace("--buffer-us", "BufferMicros", StringComparison.Ordinal)
                .Replace("--loss", "LossTarget", StringComparison.Ordinal)
                .Replace("--max-offset-s", "MaxClockOffsetSeconds", StringComparison.Ordinal)
                .Replace("--min-correlation", "MinLinkCorrelation", StringComparison.Ordinal)
                .Replace("--outlier-factor", "OutlierFactor", StringComparison.Ordinal));
        }

        if (!(analysis.Nice is >= 0 and <= 19))
        {
            errors.Add($"Agent:Analysis:Nice must be 0..19 (got {analysis.Nice}).");
        }

        foreach (var topic in options.Ingest.Topics)
        {
            var problem = MqttTopic.ValidateFilter(topic);
            if (problem is not null)
            {
                errors.Add($"Agent:Ingest:Topics: {problem}.");
            }
        }

        if (!string.IsNullOrWhiteSpace(options.Ingest.TailDirectory) && !Directory.Exists(options.Ingest.TailDirectory))
        {
            errors.Add($"Agent:Ingest:TailDirectory \"{options.Ingest.TailDirectory}\" does not exist.");
        }

        if (!(options.Ingest.TailPollMilliseconds is >= 10 and <= 60_000))
        {
            errors.Add($"Agent:Ingest:TailPollMilliseconds must be 10..60000 (got {options.Ingest.TailPollMilliseconds}).");
        }

        if (!options.Ingest.MqttEnabled && string.IsNullOrWhiteSpace(options.Ingest.TailDirectory))
        {
            errors.Add("Agent:Ingest: no source; set Agent:Ingest:MqttEnabled to true or Agent:Ingest:TailDirectory to a folder.");
        }

        var coordinator = options.Coordinator;
        foreach (var address in coordinator.Addresses)
        {
            if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                errors.Add($"Agent:Coordinator:Address must be an http:// or https:// URL, or several separated by commas (got \"{address}\"{(coordinator.Addresses.Count > 1 ? $" in \"{coordinator.Address}\"" : string.Empty)}).");
            }
        }

        if (!string.IsNullOrWhiteSpace(coordinator.CaFile) && !File.Exists(coordinator.CaFile))
        {
            errors.Add($"Agent:Coordinator:CaFile \"{coordinator.CaFile}\" does not exist.");
        }

        if (string.IsNullOrWhiteSpace(coordinator.ClientCertificateFile) != string.IsNullOrWhiteSpace(coordinator.ClientKeyFile))
        {
            errors.Add("Agent:Coordinator:ClientCertificateFile and Agent:Coordinator:ClientKeyFile go together: set both or neither.");
        }

        foreach (var (key, file) in new[] { ("ClientCertificateFile", coordinator.ClientCertificateFile), ("ClientKeyFile", coordinator.ClientKeyFile) })
        {
            if (!string.IsNullOrWhiteSpace(file) && !File.Exists(file))
            {
                errors.Add($"Agent:Coordinator:{key} \"{file}\" does not exist.");
            }
        }

        errors.AddRange(TlsFileProblems(coordinator));

        if (options.Metrics.Port is < 0 or > 65535)
        {
            errors.Add($"Agent:Metrics:Port must be 0..65535, 0 for no metrics endpoint (got {options.Metrics.Port}).");
        }

        if (!System.Net.IPAddress.TryParse(options.Metrics.Address, out _))
        {
            errors.Add($"Agent:Metrics:Address must be an IP address such as 127.0.0.1 (got '{options.Metrics.Address}').");
        }

        if (!(coordinator.BatchSize is >= 1 and <= 5000))
        {
            errors.Add($"Agent:Coordinator:BatchSize must be 1..5000 (got {coordinator.BatchSize}).");
        }

        if (!(coordinator.ReconnectMinSeconds is > 0 and <= 3600) || coordinator.ReconnectMaxSeconds < coordinator.ReconnectMinSeconds)
        {
            errors.Add($"Agent:Coordinator:ReconnectMinSeconds must be above 0 and at most ReconnectMaxSeconds (got {coordinator.ReconnectMinSeconds} / {coordinator.ReconnectMaxSeconds}).");
        }

        if (!(options.Outbox.MaxResults is >= 100 and <= 1_000_000_000))
        {
            errors.Add($"Agent:Outbox:MaxResults must be 100..1000000000 (got {options.Outbox.MaxResults}).");
        }

        errors.AddRange(options.Logging.Validate("Agent:Logging"));

        var actuator = options.Actuator;
        if (!string.IsNullOrWhiteSpace(actuator.HookScript) && !File.Exists(actuator.HookScript))
        {
            errors.Add($"Agent:Actuator:HookScript \"{actuator.HookScript}\" does not exist.");
        }

        if (actuator.HookTimeoutSeconds is not (>= 1 and <= 3600))
        {
            errors.Add($"Agent:Actuator:HookTimeoutSeconds must be 1..3600 (got {actuator.HookTimeoutSeconds}).");
        }

        if (actuator.EffectWindows is < 1 or > 1000)
        {
            errors.Add($"Agent:Actuator:EffectWindows must be 1..1000 (got {actuator.EffectWindows}).");
        }

        foreach (var (link, gbps) in actuator.Installed)
        {
            if (!int.TryParse(link, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) || id < 1)
            {
                errors.Add($"Agent:Actuator:Installed:{link}: the key must be a link id >= 1.");
            }
            else if (!(gbps is > 0 and <= 100_000))
            {
                errors.Add($"Agent:Actuator:Installed:{link} must be a capacity in Gbit/s above 0 and at most 100000 (got {gbps}).");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    public static Analytics.Fronthaul.FronthaulOptions ToFronthaulOptions(AgentOptions.AnalysisOptions analysis) => new()
    {
        DeclaredLinks = analysis.DeclaredLinks,
        Pins = analysis.Pins
            .Where(p => int.TryParse(p.Key, out _))
            .ToDictionary(p => int.Parse(p.Key), p => p.Value),
        BufferMicros = analysis.BufferMicros,
        LossTarget = analysis.LossTarget,
        MaxClockOffsetSeconds = analysis.MaxClockOffsetSeconds,
        MaxParallelism = analysis.MaxParallelism,
    };

    /// <summary>The TLS files that exist but do not load: a CA file with no certificate, a certificate and key that are not a pair.</summary>
    private static IEnumerable<string> TlsFileProblems(AgentOptions.CoordinatorOptions coordinator)
    {
        if (!string.IsNullOrWhiteSpace(coordinator.CaFile) && File.Exists(coordinator.CaFile) && PemFiles.BundleProblem(coordinator.CaFile) is { } ca)
        {
            yield return $"Agent:Coordinator:CaFile \"{coordinator.CaFile}\" does not load: {ca}.";
        }

        if (!string.IsNullOrWhiteSpace(coordinator.ClientCertificateFile) && File.Exists(coordinator.ClientCertificateFile)
            && !string.IsNullOrWhiteSpace(coordinator.ClientKeyFile) && File.Exists(coordinator.ClientKeyFile)
            && PemFiles.PairProblem(coordinator.ClientCertificateFile, coordinator.ClientKeyFile) is { } pair)
        {
            yield return $"Agent:Coordinator:ClientCertificateFile and ClientKeyFile (\"{coordinator.ClientCertificateFile}\", \"{coordinator.ClientKeyFile}\") do not load as a pair: {pair}.";
        }
    }
}
