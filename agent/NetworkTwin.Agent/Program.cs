using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NetworkTwin.Agent.Hosting;
using NetworkTwin.Hosting;

// The NetworkTwin edge agent: ingest (MQTT, tailed .dat files) -> live windows -> analysis -> status.
if (ServiceExit.AnswerInformationSwitches("networktwin-agent", "the NetworkTwin edge agent: telemetry ingest, live windows, forecasts, sync to the coordinator.", args, Console.Out) is { } answered)
{
    return answered;
}

var validateOnly = args.Contains(ServiceExit.ValidateConfigSwitch);
try
{
    using var host = AgentHost.Build([.. args.Where(a => a != ServiceExit.ValidateConfigSwitch)]);

    // Unknown keys and values of the wrong type, every one with its key, before anything binds (the binder would stop at the first).
    var keys = ConfigurationCheck.Problems(
        host.Services.GetRequiredService<IConfiguration>(),
        (NetworkTwin.Agent.Configuration.AgentOptions.Section, typeof(NetworkTwin.Agent.Configuration.AgentOptions)),
        ("Mqtt", typeof(NetworkTwin.Mqtt.Client.MqttClientOptions)),
        (NetworkTwin.Hosting.Observability.TelemetryOptions.Section, typeof(NetworkTwin.Hosting.Observability.TelemetryOptions)));
    if (keys.Count > 0)
    {
        return ServiceExit.ReportValidation("networktwin-agent", keys, string.Empty);
    }

    if (validateOnly)
    {
        // Resolving the options runs every validator; nothing is started. Each section's problems are collected, not just the first section's.
        var failures = new List<string>();
        void Check<T>()
            where T : class
        {
            try
            {
                _ = host.Services.GetRequiredService<IOptions<T>>().Value;
            }
            catch (OptionsValidationException ex)
            {
                failures.AddRange(ex.Failures);
            }
        }

        Check<NetworkTwin.Agent.Configuration.AgentOptions>();
        Check<NetworkTwin.Mqtt.Client.MqttClientOptions>();
        Check<NetworkTwin.Hosting.Observability.TelemetryOptions>();
        var agent = failures.Count == 0 ? host.Services.GetRequiredService<IOptions<NetworkTwin.Agent.Configuration.AgentOptions>>().Value : null;
        return ServiceExit.ReportValidation("networktwin-agent", [.. failures.Distinct(StringComparer.Ordinal)], agent is null ? string.Empty : $"runs as site {agent.Site} with data in {agent.ResolvedDataDirectory}, site file {ServiceConfiguration.SiteFile("agent")}");
    }

    // A worker that faulted stopped the host; exit non-zero so systemd's Restart=on-failure acts.
    return await ServiceExit.RunAsync(host);
}
catch (OptionsValidationException ex)
{
    // Every problem, each naming its key and the allowed values; nothing was started.
    return ServiceExit.ReportValidation("networktwin-agent", [.. ex.Failures], string.Empty);
}
