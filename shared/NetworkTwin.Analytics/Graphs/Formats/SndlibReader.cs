using System.Globalization;

namespace NetworkTwin.Analytics.Graphs.Formats;

/// <summary>
/// Reads the SNDlib native network format: <c>NODES ( id ( lon lat ) )</c>, <c>LINKS ( id ( a b )
/// preCapacity preCapacityCost routingCost setupCost ( {moduleCapacity moduleCost}* ) )</c> and
/// <c>DEMANDS ( id ( a b ) unit value maxPathLength )</c>, values in the META unit (Mbit/s in
/// the files here). A link without pre-installed capacity gets its smallest module (the least a
/// design installs), with that module's cost; both are reported.
/// </summary>
public static class SndlibReader
{
    public static NetworkImport Read(TextReader reader, string source)
    {
        var tokens = Tokenize(reader);
        var notes = new List<string>();
        var nodes = new List<NetworkNode>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var links = new List<NetworkLink>();
        var demands = new List<Demand>();
        var name = Path.GetFileNameWithoutExtension(source);
        var toGbps = 1e-3;
        var unitSeen = false;
        var moduleOnly = 0;
        var at = 0;
        while (at < tokens.Count)
        {
            var (word, line) = tokens[at++];
            switch (word)
            {
                case "META":
                    Expect(tokens, ref at, "(");
                    while (Peek(tokens, at) != ")")
                    {
                        var key = Next(tokens, ref at, "META key");
                        Expect(tokens, ref at, "=");

                        // A META value is free text to the end of its line.
                        var valueLine = tokens[at - 1].Line;
                        var words = new List<string>();
                        while (at < tokens.Count && tokens[at].Line == valueLine && tokens[at].Word != ")")
                        {
                            words.Add(tokens[at++].Word);
                        }

                        var value = string.Join(' ', words);
                        if (key == "unit")
                        {
                            unitSeen = true;
                            toGbps = value switch
                            {
                                "MBITPERSEC" => 1e-3,
                                "GBITPERSEC" => 1,
                                "KBITPERSEC" => 1e-6,
                                _ => throw new InvalidDataException($"{source}:{tokens[at - 1].Line}: unit {value} is not MBITPERSEC, GBITPERSEC or KBITPERSEC"),
                            };
                        }
                    }

                    at++;
                    break;
                case "NODES":
                    Expect(tokens, ref at, "(");
                    while (Peek(tokens, at) != ")")
                    {
                        var id = Next(tokens, ref at, "node id");
                        Expect(tokens, ref at, "(");
                        var lon = Number(tokens, ref at, source);
                        var lat = Number(tokens, ref at, source);
                        Expect(tokens, ref at, ")");
                        if (!index.TryAdd(id, nodes.Count))
                        {
                            throw new InvalidDataException($"{source}:{tokens[at - 1].Line}: node {id} is listed twice");
                        }

                        nodes.Add(new NetworkNode(id, id, lat, lon));
                    }

                    at++;
                    break;
                case "LINKS":
                    Expect(tokens, ref at, "(");
                    while (Peek(tokens, at) != ")")
                    {
                        var id = Next(tokens, ref at, "link id");
                        var (a, b) = Endpoints(tokens, ref at, index, source, id);
                        var preCapacity = Number(tokens, ref at, source);
                        var preCost = Number(tokens, ref at, source);
                        Number(tokens, ref at, source);
                        var setupCost = Number(tokens, ref at, source);
                        Expect(tokens, ref at, "(");
                        var modules = new List<(double Capacity, double Cost)>();
                        while (Peek(tokens, at) != ")")
                        {
                            modules.Add((Number(tokens, ref at, source), Number(tokens, ref at, source)));
                        }

                        at++;
                        double? capacity = preCapacity > 0 ? preCapacity : null;
                        double? cost = preCapacity > 0 ? preCost + setupCost : null;
                        if (capacity is null && modules.Count > 0)
                        {
                            var smallest = modules.MinBy(m => m.Capacity);
                            capacity = smallest.Capacity;
                            cost = setupCost + smallest.Cost;
                            moduleOnly++;
                        }

                        if (a == b)
                        {
                            throw new InvalidDataException($"{source}:{tokens[at - 1].Line}: link {id} is a loop");
                        }

                        links.Add(new NetworkLink(Math.Min(a, b), Math.Max(a, b), capacity * toGbps, cost, null, id));
                    }

                    at++;
                    break;
                case "DEMANDS":
                    Expect(tokens, ref at, "(");
                    while (Peek(tokens, at) != ")")
                    {
                        var id = Next(tokens, ref at, "demand id");
                        var (a, b) = Endpoints(tokens, ref at, index, source, id);
                        Number(tokens, ref at, source);
                        var value = Number(tokens, ref at, source);
                        Next(tokens, ref at, "max path length");
                        if (value < 0)
                        {
                            throw new InvalidDataException($"{source}:{tokens[at - 1].Line}: demand {id} is negative");
                        }

                        demands.Add(new Demand(a, b, value * toGbps));
                    }

                    at++;
                    break;
                case "ADMISSIBLE_PATHS":
                    // Not used: routing is shortest path with ECMP. Skip the balanced section.
                    Expect(tokens, ref at, "(");
                    for (var depth = 1; depth > 0 && at < tokens.Count; at++)
                    {
                        depth += tokens[at].Word switch { "(" => 1, ")" => -1, _ => 0 };
                    }

                    notes.Add("ADMISSIBLE_PATHS ignored: demands are routed on shortest paths with ECMP");
                    break;
                default:
                    throw new InvalidDataException($"{source}:{line}: unexpected \"{word}\" (expected META, NODES, LINKS, DEMANDS or ADMISSIBLE_PATHS)");
            }
        }

        if (nodes.Count == 0)
        {
            throw new InvalidDataException($"{source}: no NODES section: this is not an SNDlib network");
        }

        if (!unitSeen)
        {
            notes.Add("no META unit: values are taken as Mbit/s");
        }

        if (moduleOnly > 0)
        {
            notes.Add($"{moduleOnly} of {links.Count} links have no pre-installed capacity: each is given its smallest module (capacity and cost)");
        }

        return new NetworkImport(new Network(name, nodes, links, demands), notes);
    }

    private static (int A, int B) Endpoints(List<(string Word, int Line)> tokens, ref int at, Dictionary<string, int> index, string source, string id)
    {
        Expect(tokens, ref at, "(");
        var a = Next(tokens, ref at, $"{id} source");
        var b = Next(tokens, ref at, $"{id} target");
        Expect(tokens, ref at, ")");
        var line = tokens[at - 1].Line;
        return !index.TryGetValue(a, out var ia)
            ? throw new InvalidDataException($"{source}:{line}: {id} names node {a}, which is not in NODES")
            : !index.TryGetValue(b, out var ib)
                ? throw new InvalidDataException($"{source}:{line}: {id} names node {b}, which is not in NODES")
                : (ia, ib);
    }

    private static List<(string Word, int Line)> Tokenize(TextReader reader)
    {
        var tokens = new List<(string, int)>();
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (lineNumber == 1 && line.StartsWith('?'))
            {
                continue;
            }

            var hash = line.IndexOf('#', StringComparison.Ordinal);
            var text = hash >= 0 ? line[..hash] : line;
            foreach (var word in text.Replace("(", " ( ", StringComparison.Ordinal).Replace(")", " ) ", StringComparison.Ordinal).Replace("=", " = ", StringComparison.Ordinal)
                .Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
            {
                tokens.Add((word, lineNumber));
            }
        }

        return tokens;
    }

    private static string? Peek(List<(string Word, int Line)> tokens, int at) =>
        at < tokens.Count ? tokens[at].Word : throw new InvalidDataException($"the file ends inside a section (missing \")\" after line {tokens[^1].Line})");

    private static string Next(List<(string Word, int Line)> tokens, ref int at, string what) =>
        at < tokens.Count ? tokens[at++].Word : throw new InvalidDataException($"the file ends where {what} was expected");

    private static void Expect(List<(string Word, int Line)> tokens, ref int at, string word)
    {
        var line = at < tokens.Count ? tokens[at].Line : tokens.Count > 0 ? tokens[^1].Line : 0;
        var got = Next(tokens, ref at, $"\"{word}\"");
        if (got != word)
        {
            throw new InvalidDataException($"line {line}: expected \"{word}\", found \"{got}\"");
        }
    }

    private static double Number(List<(string Word, int Line)> tokens, ref int at, string source)
    {
        var line = at < tokens.Count ? tokens[at].Line : 0;
        var text = Next(tokens, ref at, "a number");
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
            ? v
            : throw new InvalidDataException($"{source}:{line}: expected a number, found \"{text}\"");
    }
}
