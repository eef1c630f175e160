using NetworkTwin.Console.Cli;

return await CliApp.RunAsync(args, Spectre.Console.AnsiConsole.Console).ConfigureAwait(false);
