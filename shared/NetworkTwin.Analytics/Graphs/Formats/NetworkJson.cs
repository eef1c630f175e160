using System.Text.Json;

namespace NetworkTwin.Analytics.Graphs.Formats;

/// <summary>The JSON network document (name, nodes, links, demands): read with every problem named, and written.</summary>
public static class NetworkJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Reads and validates a network document; a bad one gets an InvalidDataException saying what is wrong.</summary>
    public static NetworkImport Read(Stream stream) => Checked(() => JsonSerializer.Deserialize<Network>(stream, Options));

    /// <summary>Reads and validates a network document held in a string.</summary>
    public static NetworkImport Parse(string text) => Checked(() => JsonSerializer.Deserialize<Network>(text, Options));

    public static string Write(Network network) => JsonSerializer.Serialize(network, Options);

    private static NetworkImport Checked(Func<Network?> read)
    {
        Network? network;
        try
        {
            network = read();
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"not a network document: {ex.Message}", ex);
        }

        if (network is null || network.Nodes is null || network.Links is null)
        {
            throw new InvalidDataException("not a network document (needs name, nodes, links, demands)");
        }

        network = network with { Demands = network.Demands ?? [] };
        var problems = network.Validate();
        return problems.Count > 0 ? throw new InvalidDataException(string.Join("; ", problems)) : new NetworkImport(network, []);
    }
}
