using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NetworkTwin.Agent.Hosting;
using NetworkTwin.Hosting;

// The NetworkTwin edge agent: ingest (MQTT, tailed .dat files) -> live windows -> analysis -> status.
var validateOnly = args.Contains(ServiceExit.ValidateConfigSwitch);
try
{
    using var host = AgentHost.Build([.. args.Where(a => a != ServiceExit.ValidateConfigSwitch)]);
    if (validateOnly)
    {
        // Resolving the options runs every validator; nothing is started.
        var agent = host.Services.GetRequiredService<IOptions<NetworkTwin.Agent.Configuration.AgentOptions>>().Value;
        _ = host.Services.GetRequiredService<IOptions<NetworkTwin.Mqtt.Client.MqttClientOptions>>().Value;
        return ServiceExit.ReportValidation("networktwin-agent", [], $"runs as site {agent.Site} with data in {agent.ResolvedDataDirectory}, site file {ServiceConfiguration.SiteFile("agent")}");
    }

    // A worker that faulted stopped the host; exit non-zero so systemd's Restart=on-failure acts.
    return await ServiceExit.RunAsync(host);
}
catch (OptionsValidationException ex)
{
    // Every problem, each naming its key and the allowed values; nothing was started.
    return ServiceExit.ReportValidation("networktwin-agent", [.. ex.Failures], string.Empty);
}
