using System.Text.Json;
using System.Text.Json.Serialization;
using NetworkTwin.Analytics.Design;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace NetworkTwin.Console.Design;

/// <summary>Reads intent documents: JSON (.json) or YAML (.yaml, .yml), with camelCase keys.</summary>
public static class IntentFiles
{
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

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
        DesignIntent? intent;
        try
        {
            intent = yaml
                ? new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build().Deserialize<DesignIntent>(text)
                : JsonSerializer.Deserialize<DesignIntent>(text, Json);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{name}: {ex.Path ?? "document"}: {ex.Message}", ex);
        }
        catch (YamlException ex)
        {
            throw new InvalidDataException($"{name}: line {ex.Start.Line}: {ex.InnerException?.Message ?? ex.Message}", ex);
        }

        if (intent is null)
        {
            throw new InvalidDataException($"{name}: empty intent.");
        }

        var problems = intent.Validate();
        return problems.Count > 0 ? throw new InvalidDataException($"{name}: the intent is invalid:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", problems)) : intent;
    }
}
