using System.Text.Json;
using NetworkTwin.Analytics.Graphs;
using NetworkTwin.Analytics.Graphs.Formats;

namespace NetworkTwin.Telemetry.Topology;

/// <summary>Loads and saves networks: GraphML (.graphml, .xml), SNDlib native (.txt) and JSON (.json).</summary>
public static class NetworkFiles
{
    public static JsonSerializerOptions Json => NetworkJson.Options;

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
                ".json" => NetworkJson.Read(stream),
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
            JsonSerializer.Serialize(stream, network, NetworkJson.Options);
        }
        else
        {
            GraphMlWriter.Write(network, stream);
        }
    }
}
