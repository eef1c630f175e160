using NetworkTwin.Console.Cli;

return await CliApp.RunAsync(args, CliConsole.Create()).ConfigureAwait(false);
