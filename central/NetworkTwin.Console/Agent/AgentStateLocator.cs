using Microsoft.Extensions.Configuration;
using NetworkTwin.Contracts.Status;
using NetworkTwin.Hosting;

namespace NetworkTwin.Console.Agent;

/// <summary>
/// Where the local agent keeps its state, found the way the agent itself finds it: its site file (the packaged
/// <c>/etc/networktwin/agent.json</c>, <c>%ProgramData%\NetworkTwin\agent.json</c> on Windows, or
/// <c>NETWORKTWIN_CONFIG_FILE</c>) and its <c>NETWORKTWIN_</c> environment overrides name
/// <c>Agent:DataDirectory</c>; without one, the per-user default an agent started by hand uses.
/// </summary>
internal static class AgentStateLocator
{
    /// <param name="explicitDirectory">--data-dir, which wins when given.</param>
    /// <param name="siteFile">The agent's site file (<see cref="ServiceConfiguration.SiteFile"/> of "agent").</param>
    /// <returns>The directory and, for messages, where it came from.</returns>
    public static (string Directory, string From) Find(DirectoryInfo? explicitDirectory, string siteFile)
    {
        if (explicitDirectory is not null)
        {
            return (explicitDirectory.FullName, "--data-dir");
        }

        IConfigurationRoot settings;
        try
        {
            settings = new ConfigurationBuilder()
                .AddJsonFile(siteFile, optional: true, reloadOnChange: false)
                .AddEnvironmentVariables(ServiceConfiguration.EnvironmentPrefix)
                .Build();
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or System.Text.Json.JsonException or UnauthorizedAccessException or IOException)
        {
            throw new InvalidDataException($"Cannot read the agent's settings {siteFile} to find its data directory ({ex.Message}); pass --data-dir.", ex);
        }

        return settings["Agent:DataDirectory"] is { Length: > 0 } configured
            ? (configured, File.Exists(siteFile) ? $"Agent:DataDirectory in {siteFile}" : "Agent:DataDirectory in the environment")
            : (AgentStatusDocument.DefaultDataDirectory, "the default data directory (no Agent:DataDirectory in " + siteFile + ")");
    }
}
