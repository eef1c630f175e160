using NetworkTwin.Central.Service;
using NetworkTwin.Hosting;

// The NetworkTwin coordinator: agents register and sync their results here; operators query it.
if (ServiceExit.AnswerInformationSwitches("networktwin-central", "the NetworkTwin coordinator: agents sync their results here, operators query and govern it.", args, Console.Out) is { } answered)
{
    return answered;
}

if (ServiceExit.RefuseUnknownArguments("networktwin-central", args, Console.Error) is { } refused)
{
    return refused;
}

if (args.Contains(ServiceExit.ValidateConfigSwitch))
{
    var (settings, errors) = CoordinatorHost.ReadSettings([.. args.Where(a => a != ServiceExit.ValidateConfigSwitch)]);
    return ServiceExit.ReportValidation("networktwin-central", errors, $"listens on {settings.Address}:{settings.Port}, repository {settings.RepositoryProvider}, data in {settings.DataDirectory}, site file {ServiceConfiguration.SiteFile("central")}");
}

try
{
    await using var app = CoordinatorHost.Build(args);

    // A worker that faulted stopped the host; exit non-zero so systemd's Restart=on-failure acts.
    return await ServiceExit.RunAsync(app);
}
catch (Microsoft.Extensions.Options.OptionsValidationException ex)
{
    // Validated on start (Telemetry): every problem with its key.
    return ServiceExit.ReportValidation("networktwin-central", [.. ex.Failures], string.Empty);
}
catch (ArgumentException ex)
{
    // Configuration problems: each line names the key and what it must be.
    await Console.Error.WriteLineAsync($"networktwin-central: the configuration is invalid, nothing was started:{Environment.NewLine}  {ex.Message.Replace(Environment.NewLine, Environment.NewLine + "  ", StringComparison.Ordinal)}");
    return ServiceExit.ConfigurationInvalid;
}
