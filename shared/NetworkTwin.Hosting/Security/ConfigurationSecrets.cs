using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.CommandLine;
using Microsoft.Extensions.Logging;

namespace NetworkTwin.Hosting.Security;

/// <summary>
/// Where the services' secrets (tokens, passwords, connection strings with a password) come from. A settings file
/// that holds one must not be readable or writable by every account on the box, as ssh refuses such a key; a secret
/// given on the command line is shown by <c>ps</c> and kept in shell history, so it is warned about.
/// </summary>
public static partial class ConfigurationSecrets
{
    /// <summary>True for a key that holds a secret: a token, a password, a table of tokens, a connection string with a password.</summary>
    public static bool IsSecret(string key, string? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        var segments = key.Split(':');
        var last = segments[^1];
        return last.Equals("Token", StringComparison.OrdinalIgnoreCase)
            || last.Equals("Password", StringComparison.OrdinalIgnoreCase)
            || (segments.Length >= 2 && segments[^2].EndsWith("Tokens", StringComparison.OrdinalIgnoreCase))
            || (last.EndsWith("ConnectionString", StringComparison.OrdinalIgnoreCase) && value.Contains("password", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// One problem per settings file that holds a secret and that every account may read or write (mode o+r or o+w),
    /// naming the file, the first secret key and the fix. Empty on Windows, where ACLs, not modes, guard the file.
    /// </summary>
    public static IReadOnlyList<string> Problems(IConfiguration configuration)
    {
        if (OperatingSystem.IsWindows() || configuration is not IConfigurationRoot root)
        {
            return [];
        }

        var problems = new List<string>();
        foreach (var provider in root.Providers.OfType<FileConfigurationProvider>())
        {
            var path = provider.Source.FileProvider?.GetFileInfo(provider.Source.Path ?? string.Empty).PhysicalPath;
            if (path is null || !File.Exists(path))
            {
                continue;
            }

            var secret = SecretKeys(root, provider).FirstOrDefault();
            if (secret is null)
            {
                continue;
            }

            var mode = File.GetUnixFileMode(path);
            if ((mode & (UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
            {
                problems.Add($"{path} holds a secret ({secret}) and every account on this machine can {((mode & UnixFileMode.OtherWrite) != 0 ? "change" : "read")} it; run 'chmod 640 {path}' (owner root, group networktwin) or move the secret out of it.");
            }
        }

        return problems;
    }

    /// <summary>The secret keys given as command-line switches, for a warning at start.</summary>
    public static IReadOnlyList<string> OnCommandLine(IConfiguration configuration) => configuration is IConfigurationRoot root
        ? [.. root.Providers.OfType<CommandLineConfigurationProvider>().SelectMany(p => SecretKeys(root, p))]
        : [];

    /// <summary>Logs one warning per secret given on the command line (it still takes effect).</summary>
    public static void WarnCommandLine(IConfiguration configuration, ILogger logger)
    {
        foreach (var key in OnCommandLine(configuration))
        {
            SecretOnCommandLine(logger, key);
        }
    }

    [LoggerMessage(9020, LogLevel.Warning, "{Key} was given on the command line, where ps and the shell's history show it to every account; put it in the service's settings file (mode 640) or a NETWORKTWIN_ environment variable instead")]
    private static partial void SecretOnCommandLine(ILogger logger, string key);

    private static IEnumerable<string> SecretKeys(IConfigurationRoot root, IConfigurationProvider provider) =>
        root.AsEnumerable()
            .Select(pair => pair.Key)
            .Where(key => provider.TryGet(key, out var value) && IsSecret(key, value))
            .Order(StringComparer.OrdinalIgnoreCase);
}
