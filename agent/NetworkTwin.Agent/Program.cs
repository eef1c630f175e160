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

if (ServiceExit.RefuseUnknownArguments("networktwin-agent", args, Console.Error) is { } refused)
{
    return refused;
}

var validateOnly = args.Contains(ServiceExit.ValidateConfigSwitch);
try
{
    using var host = AgentHost.Build([.. args.Where(a => a != ServiceExit.ValidateConfigSwitch)]);

    // Every problem at once, each with its key: unknown keys, values of the wrong type, values out of range.
    var problems = AgentHost.Problems(host.Services.GetRequiredService<IConfiguration>());
    if (problems.Count > 0 || validateOnly)
    {
        var agent = problems.Count == 0 ? host.Services.GetRequiredService<IOptions<NetworkTwin.Agent.Configuration.AgentOptions>>().Value : null;
        return ServiceExit.ReportValidation("networktwin-agent", problems, agent is null ? string.Empty : $"runs as site {agent.Site} with data in {agent.ResolvedDataDirectory}, site file {ServiceConfiguration.SiteFile("agent")}");
    }

    // A worker that faulted stopped the host; exit non-zero so systemd's Restart=on-failure acts.
    return await ServiceExit.RunAsync(host);
}
catch (OptionsValidationException ex)
{
    // Every problem, each naming its key and the allowed values; nothing was started.
    return ServiceExit.ReportValidation("networktwin-agent", [.. ex.Failures], string.Empty);
}
