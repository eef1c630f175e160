using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Json;

namespace NetworkTwin.Hosting;

/// <summary>
/// The configuration layers of a NetworkTwin service, lowest first: appsettings.json beside the
/// binary, the site file (<c>/etc/networktwin/&lt;name&gt;.json</c> on Linux,
/// <c>%ProgramData%\NetworkTwin\&lt;name&gt;.json</c> on Windows, or the file named by
/// <c>NETWORKTWIN_CONFIG_FILE</c>), <c>NETWORKTWIN_</c> environment variables, then command-line
/// switches.
/// </summary>
public static class ServiceConfiguration
{
    public const string EnvironmentPrefix = "NETWORKTWIN_";

    /// <summary>The site file for a service name (agent, central); a relative NETWORKTWIN_CONFIG_FILE is taken from the current directory, not the binary's.</summary>
    public static string SiteFile(string name) =>
        Environment.GetEnvironmentVariable(EnvironmentPrefix + "CONFIG_FILE") is { Length: > 0 } explicitFile
            ? Path.GetFullPath(explicitFile)
            : OperatingSystem.IsWindows()
                ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.CommonApplicationData), "NetworkTwin", name + ".json")
                : Path.Combine("/etc/networktwin", name + ".json");

    /// <summary>Adds the site file above appsettings, then the service's environment variables and the command line above everything.</summary>
    public static void Layer(IConfigurationBuilder configuration, string name, string[] args)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var sources = configuration.Sources;
        var lastJson = sources.Select((s, i) => (s, i)).LastOrDefault(x => x.s is JsonConfigurationSource).i;
        var site = new JsonConfigurationSource { Path = SiteFile(name), Optional = true, ReloadOnChange = false };
        site.ResolveFileProvider();
        sources.Insert(sources.Count == 0 ? 0 : lastJson + 1, site);
        configuration.AddEnvironmentVariables(EnvironmentPrefix);
        configuration.AddCommandLine(args);
    }

    /// <summary>Inserts settings just below the service's environment variables (above the files).</summary>
    public static void InsertBelowEnvironment(IConfigurationBuilder configuration, IConfigurationSource source)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var sources = configuration.Sources;
        var environment = sources.Select((s, i) => (s, i)).FirstOrDefault(x => x.s is EnvironmentVariablesConfigurationSource e && e.Prefix == EnvironmentPrefix);
        sources.Insert(environment.s is null ? sources.Count : environment.i, source);
    }
}
