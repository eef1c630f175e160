using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace NetworkTwin.Console.Cli;

/// <summary>
/// Named coordinators an operator works with, in <c>~/.config/networktwin/config.yaml</c> (<c>$XDG_CONFIG_HOME</c>, or
/// <c>NETWORKTWIN_CLI_CONFIG</c> names another file): the address, a file holding the operator token, and the CA of the
/// coordinator's certificate. The current context fills in what neither a flag nor a <c>NETWORKTWIN_*</c> variable gave.
/// </summary>
public sealed class CliContext
{
    /// <summary>The coordinator's gRPC address.</summary>
    public string Coordinator { get; set; } = string.Empty;

    /// <summary>A file whose first line is the operator token (kept out of the config file and shell history).</summary>
    public string? TokenFile { get; set; }

    /// <summary>PEM file of the CA that signed the coordinator's certificate.</summary>
    public string? Ca { get; set; }

    /// <summary>The config file: its contexts and which one is in use.</summary>
    public sealed class File
    {
        public string? Current { get; set; }

        public Dictionary<string, CliContext> Contexts { get; set; } = new(StringComparer.Ordinal);
    }

    /// <summary>Where the config file is.</summary>
    public static string Path => Environment.GetEnvironmentVariable("NETWORKTWIN_CLI_CONFIG") is { Length: > 0 } explicitFile
        ? System.IO.Path.GetFullPath(explicitFile)
        : System.IO.Path.Combine(
            Environment.GetEnvironmentVariable("XDG_CONFIG_HOME") is { Length: > 0 } xdg ? xdg : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config"),
            "networktwin",
            "config.yaml");

    /// <summary>The context in use, or null when there is no config file or no current context.</summary>
    public static CliContext? Current()
    {
        var file = Load(Path);
        return file.Current is { } name && file.Contexts.TryGetValue(name, out var context) ? context : null;
    }

    /// <summary>Reads a config file (empty when missing); a broken one is an error naming the file.</summary>
    public static File Load(string path)
    {
        if (!System.IO.File.Exists(path))
        {
            return new File();
        }

        try
        {
            return new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build().Deserialize<File>(System.IO.File.ReadAllText(path)) ?? new File();
        }
        catch (YamlException ex)
        {
            throw new InvalidDataException($"{path} is not a networktwin config file ({ex.Message}); fix or remove it.", ex);
        }
    }

    /// <summary>Writes a config file, readable by its owner only on Unix (it names where the token is).</summary>
    public static void Save(string path, File file)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        var yaml = new SerializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).ConfigureDefaultValuesHandling(DefaultValuesHandling.OmitNull).Build().Serialize(file);
        System.IO.File.WriteAllText(path, yaml);
        if (!OperatingSystem.IsWindows())
        {
            System.IO.File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    /// <summary>The token in <see cref="TokenFile"/>; refused when others may read the file, as ssh refuses a key.</summary>
    public string? Token()
    {
        if (string.IsNullOrWhiteSpace(TokenFile))
        {
            return null;
        }

        if (!System.IO.File.Exists(TokenFile))
        {
            throw new FileNotFoundException($"The context's token file {TokenFile} does not exist.");
        }

        if (!OperatingSystem.IsWindows() && (System.IO.File.GetUnixFileMode(TokenFile) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead)) != 0)
        {
            throw new UnauthorizedAccessException($"The token file {TokenFile} can be read by others; run 'chmod 600 {TokenFile}'.");
        }

        return System.IO.File.ReadLines(TokenFile).FirstOrDefault()?.Trim();
    }
}
