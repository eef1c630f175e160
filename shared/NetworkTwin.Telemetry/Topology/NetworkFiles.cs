using System.Text.Json;
using NetworkTwin.Analytics.Graphs;
using NetworkTwin.Analytics.Graphs.Formats;

namespace NetworkTwin.Telemetry.Topology;

/// <summary>Loads and saves networks: GraphML (.graphml, .xml), SNDlib native (.txt) and JSON (.json).</summary>
public static class NetworkFiles
{
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Reads a network file; a bad file gets an InvalidDataException naming it and what is wrong.</summary>
    public static NetworkImport Load(string path)
    {
        var name = Path.GetFileName(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Network file '{path}' does not exist.");
        }

        try
        {
            using var stream = File.OpenRead(path);
            var extension = Path.GetExtension(path).ToLowerInvariant();
            return extension switch
            {
                ".graphml" or ".xml" => GraphMlReader.Read(stream, name),
                ".json" => FromJson(stream, name),
                _ => SndlibReader.Read(new StreamReader(stream), name),
            };
        }
        catch (InvalidDataException ex) when (!ex.Message.StartsWith(name, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{name}: {ex.Message}", ex);
        }
    }

    public static void Save(Network network, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var stream = File.Create(path);
        if (Path.GetExtension(path).Equals(".json", StringComparison.OrdinalIgnoreCase))
        {
            JsonSerializer.Serialize(stream, network, Json);
        }
        else
        {
            GraphMlWriter.Write(network, stream);
        }
    }

    private static NetworkImport FromJson(Stream stream, string name)
    {
        Network? network;
        try
        {
            network = JsonSerializer.Deserialize<Network>(stream, Json);
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
