using System.Text.Json;
using System.Text.Json.Serialization;

namespace NetworkTwin.Analytics.Design;

/// <summary>
/// The intent document as JSON (camelCase keys, enum names as strings, unknown keys refused): how intents travel to the
/// coordinator and are kept in the design history. Every problem names the document and the field.
/// </summary>
public static class IntentJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>Parses and validates an intent's JSON; errors start with <paramref name="name"/>.</summary>
    public static DesignIntent Parse(string text, string name)
    {
        DesignIntent? intent;
        try
        {
            intent = JsonSerializer.Deserialize<DesignIntent>(text, Options);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{name}: {ex.Path ?? "document"}: {ex.Message}", ex);
        }

        return Validated(intent, name);
    }

    /// <summary>The intent when it is valid; else every problem, each naming its field.</summary>
    public static DesignIntent Validated(DesignIntent? intent, string name)
    {
        if (intent is null)
        {
            throw new InvalidDataException($"{name}: empty intent.");
        }

        var problems = intent.Validate();
        return problems.Count > 0 ? throw new InvalidDataException($"{name}: the intent is invalid:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", problems)) : intent;
    }

    public static string Write(DesignIntent intent) => JsonSerializer.Serialize(intent, Options);
}
