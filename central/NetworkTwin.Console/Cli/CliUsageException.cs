namespace NetworkTwin.Console.Cli;

/// <summary>A command-line value that parses but makes no sense; the message names the option.</summary>
public sealed class CliUsageException(string message) : Exception(message);
