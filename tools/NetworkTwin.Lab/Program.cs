using NetworkTwin.Console.Cli;
using NetworkTwin.Lab;

var console = CliConsole.Create();
return await CliApp.RunAsync(LabApp.Build(console), LabApp.Name, args, console).ConfigureAwait(false);
