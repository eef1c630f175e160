using System.Text.Json;
using NetworkTwin.Analytics.Design;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace NetworkTwin.Console.Design;

/// <summary>Reads intent documents: JSON (.json) or YAML (.yaml, .yml), with camelCase keys.</summary>
public static class IntentFiles
{
    public static JsonSerializerOptions Json => IntentJson.Options;

    /// <summary>Loads and validates an intent; every problem names its field (and line for YAML syntax).</summary>
    public static DesignIntent Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Intent file '{path}' does not exist.");
        }

        return Parse(File.ReadAllText(path), Path.GetFileName(path), yaml: Path.GetExtension(path).ToLowerInvariant() is ".yaml" or ".yml");
    }

    /// <summary>Parses and validates an intent's text (YAML or JSON); errors start with <paramref name="name"/>.</summary>
    public static DesignIntent Parse(string text, string name, bool yaml)
    {
        if (!yaml)
        {
            return IntentJson.Parse(text, name);
        }

        try
        {
            return IntentJson.Validated(new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build().Deserialize<DesignIntent>(text), name);
        }
        catch (YamlException ex)
        {
            throw new InvalidDataException($"{name}: line {ex.Start.Line}: {ex.InnerException?.Message ?? ex.Message}", ex);
        }
    }
}
