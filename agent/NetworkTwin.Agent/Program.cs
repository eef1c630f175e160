using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NetworkTwin.Agent.Hosting;

// The NetworkTwin edge agent: ingest (MQTT, tailed .dat files) -> live windows -> analysis -> status.
try
{
    using var host = AgentHost.Build(args);
    var workers = host.Services.GetServices<IHostedService>().OfType<BackgroundService>().ToList();
    await host.RunAsync();

    // A worker that faulted stopped the host; exit non-zero so systemd's Restart=on-failure acts.
    return workers.Any(w => w.ExecuteTask is { IsFaulted: true }) ? 1 : 0;
}
catch (OptionsValidationException ex)
{
    await Console.Error.WriteLineAsync("networktwin-agent: the configuration is invalid, nothing was started:");
    foreach (var failure in ex.Failures)
    {
        await Console.Error.WriteLineAsync($"  {failure}");
    }

    return 2;
}
