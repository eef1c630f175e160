using System.Buffers;
using System.Text;
using Google.Protobuf;
using NetworkTwin.Analytics.Graphs;
using NetworkTwin.Analytics.Graphs.Formats;
using NetworkTwin.Analytics.Parsing;
using NetworkTwin.Analytics.WhatIfs;
using NetworkTwin.Console.Cli;
using NetworkTwin.Console.Design;
using NetworkTwin.Contracts.Sync;
using NetworkTwin.Contracts.Telemetry;
using NetworkTwin.Hosting.Observability;
using NetworkTwin.Learning.Forecast;
using NetworkTwin.Learning.Series;
using NetworkTwin.Onnx.Format;
using NetworkTwin.Testing;

namespace NetworkTwin.Lab.Fuzz;

/// <summary>
/// Every parser of outside input the project owns, as fuzz targets: telemetry as files and MQTT payloads
/// (text rows, the wide slot CSV, the binary batch), the loss events agents send, the network and traffic
/// formats, design intents, model metadata, and the operators' free-text arguments. Seeds are the real files
/// in ../shared/data (their first few KB) and the repository's own examples.
/// </summary>
public static class FuzzTargets
{
    private const int SeedBytes = 4096;

    private static readonly Type[] Rejects = [typeof(InvalidDataException), typeof(FormatException)];

    private static readonly Lazy<Network> Abilene = new(() =>
    {
        var path = Data("sndlib", "abilene", "abilene.txt");
        using var reader = new StreamReader(path ?? throw new InvalidOperationException("the fuzzer's traffic-matrix target needs ../shared/data/sndlib/abilene/abilene.txt"));
        return SndlibReader.Read(reader, "abilene.txt").Network;
    });

    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        new("pkt-stats-dat", "RU packet counts, pkt-stats-cell-N.dat (files and text MQTT payloads)", () => Head(Data("fronthaul", "pkt-stats", "pkt-stats-cell-1.dat"), Data("fronthaul", "pkt-stats", "pkt-stats-cell-7.dat")).Append(Ascii("<slot> <slotStart> <txPackets> <rxPackets> <tooLateRxPackets>\n1.0 10 9 1\n")), input =>
        {
            var parser = new PktStatsDatParser(1, "fuzz.dat");
            Feed(parser, input);
            _ = parser.ToSeries();
        }, Rejects) { Dictionary = Tokens("<slot>", "<slotStart>", "<txPackets>", "1.00001", "0.0005") },

        new("throughput-dat", "DU throughput per symbol, throughput-cell-N.dat", () => [Ascii("time kbit\n0.000000 12.5\n0.0000357 0\n0.0000714 1e3\n1.0 4.25\n")], input =>
        {
            // A 10 s span rather than the default 600 s: the span bound has its own tests, and a grid of 600 s (~67 MB)
            // for every input that claims it would leave the fuzzer a few inputs a second.
            var parser = new ThroughputDatParser(1, "fuzz.dat", maxSpanSeconds: 10);
            Feed(parser, input);
            _ = parser.ToGrid();
        }, Rejects) { Dictionary = Tokens("0.0000357", "1e3", "time", "kbit") },

        new("slot-csv", "wide per-slot throughput CSV (slot_index,cell_1,...)", () => Head(Data("fronthaul", "throughput_per_slot_kbit_24cells_first30000slots.csv")), input =>
        {
            // 250,000 values (2 MB) rather than the default 64 million, as throughput-dat's span: the bound has its
            // own tests, and inputs that reach it would leave the fuzzer a few executions a second.
            var parser = new SlotCsvParser("fuzz.csv", 0, maxValues: 250_000);
            Feed(parser, input);
            _ = parser.ToTable();
        }, Rejects) { Dictionary = Tokens("slot_index", "cell_", ",") },

        new("live-rows", "text telemetry rows as the agent ingests them from MQTT", () => [Ascii("0.5 10 9 1\n0.5005 11 11 0\n"), Ascii("0.000 12.5\n")], input =>
        {
            var parser = new LiveRowParser(input.Length % 2 == 0 ? TelemetryKind.PacketStats : TelemetryKind.Throughput, "nt/site/1/pkt", new NullSink());
            Feed(parser, input);
        }, Rejects),

        new("binary-batch", "the binary telemetry batch (MQTT payload)", () =>
        [
            BinaryTelemetryBatch.EncodeThroughput([0.0, 0.0000357, 0.0000714], [1.5f, 0, 300]),
            BinaryTelemetryBatch.EncodePacketStats([1.0, 1.0005], [10, 11], [9, 11], [1, 0]),
        ], input =>
        {
            var sink = new NullSink();
            _ = BinaryTelemetryBatch.Decode(input, TelemetryKind.Throughput, sink, out _);
            _ = BinaryTelemetryBatch.Decode(input, TelemetryKind.PacketStats, sink, out _);
        }, []),

        new("loss-events", "loss events an agent uploads (protobuf CellLossEvents, delta-coded slots)", () =>
        [
            LossEventsCodec.Encode(3, [10, 12, 400, 401]).ToByteArray(),
            LossEventsCodec.Encode(1, [0]).ToByteArray(),
        ], input => _ = LossEventsCodec.Decode(CellLossEvents.Parser.ParseFrom(input)), [typeof(InvalidDataException), typeof(InvalidProtocolBufferException)]),

        new("graphml", "GraphML networks (the Topology Zoo)", () => Whole(Data("topology_zoo", "graphml", "Abilene.graphml"), Data("topology_zoo", "graphml", "Internet2.graphml"), Data("topology_zoo", "graphml", "Sprint.graphml")), input =>
            _ = GraphMlReader.Read(new MemoryStream(input.ToArray()), "fuzz.graphml"), Rejects)
        { Dictionary = Tokens("<node id=\"", "<edge source=\"", "\" target=\"", "</graph>", "<data key=\"", "&amp;", "<!DOCTYPE", "<!ENTITY") },

        new("network-json", "JSON network documents, as the design twin's API takes them (validate, simulate), then measured", () => [Ascii("""{"name":"pair","nodes":[{"id":"a","name":"a","latitude":48.8},{"id":"b","name":"b"}],"links":[{"a":0,"b":1,"capacityGbps":100,"riskGroups":["duct"]}],"demands":[{"source":0,"target":1,"gbps":5}]}""")], input =>
        {
            var network = NetworkJson.Parse(Encoding.UTF8.GetString(input)).Network;
            if (network.NodeCount <= 64)
            {
                _ = NetworkMetrics.Measure(network);
            }
        }, Rejects) { Dictionary = Tokens("\"nodes\":", "\"links\":", "\"demands\":", "\"a\":", "\"b\":", "-1", "1e999", "null", "NaN") },

        new("sndlib", "SNDlib native networks", () => Head(Data("sndlib", "abilene", "abilene.txt"), Data("sndlib", "geant", "geant.txt")), input =>
            _ = SndlibReader.Read(new StreamReader(new MemoryStream(input.ToArray())), "fuzz.txt"), Rejects)
        { Dictionary = Tokens("NODES (", "LINKS (", "DEMANDS (", ")", "( ", " UNLIMITED", "?META") },

        new("traffic-matrix", "traffic matrices CSV (timestamp_utc,SRC->DST,...) over Abilene", () => Head(Data("traffic", "abilene_tm_5min_20040301_20040314.csv")), input =>
            _ = TrafficMatrixCsv.Read(Abilene.Value, new StringReader(Encoding.UTF8.GetString(input)), "fuzz.csv"), Rejects)
        { Dictionary = Tokens("->", "2004-03-01T00:05:00Z", "ATLAng", "timestamp_utc") },

        new("link-loads", "link loads CSV (timestamp_utc,LINK,...)", () => [Ascii("timestamp_utc,a,b\n2024-05-01T00:00:00Z,1,2\n2024-05-01T00:05:00Z,3,4.5\n"), Ascii("time,x\n1714521600,5\n1714521660,6\n")], input =>
            _ = LinkLoadCsv.Read(new StringReader(Encoding.UTF8.GetString(input)), "fuzz.csv"), Rejects),

        new("design-intent", "design intents, YAML and JSON", () => Examples("metro-8.yaml", "national-200.json"), input =>
        {
            var text = Encoding.UTF8.GetString(input);
            _ = IntentFiles.Parse(text, "fuzz.intent", yaml: !text.TrimStart().StartsWith('{'));
        }, Rejects) { Dictionary = Tokens("sites:", "pattern:", ": ", "- ", "&a", "*a", "!!", "{\"", "\":", "null", "1e999") },

        new("model", "a forecast model as the agent receives it: ONNX metadata, feature spec, then ONNX Runtime", () => [Model()], input =>
        {
            using var forecaster = LoadForecaster.Load(input.ToArray());
        }, [typeof(InvalidDataException)]),

        new("what-if", "operators' what-if expressions (--what-if)", () => [.. new[] { "link-down:1", "growth:1.3@link 2+capacity:2=60", "site-down:KSCYng", "spike:2x@cell 3" }.Select(Ascii)], input =>
            _ = WhatIfChange.Parse(Encoding.UTF8.GetString(input)), Rejects) { Dictionary = Tokens("+", "@", ":", "=", "link ", "cell ", "x", "%") },

        new("cli-arguments", "free-text CLI arguments: --pin, --broker, traceparent, telemetry topics", () => [Ascii("1=2"), Ascii("broker.example:1883"), Ascii("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"), Ascii("nt/paris/3/pkt")], input =>
        {
            var text = Encoding.UTF8.GetString(input);
            try
            {
                _ = PinParser.Parse([text]);
            }
            catch (CliUsageException)
            {
            }

            try
            {
                _ = NetworkTwin.Console.Lab.Replay.BrokerAddress.Parse(text);
            }
            catch (CliUsageException)
            {
            }

            _ = TraceContext.Parse(text);
            _ = TelemetryTopic.TryParse(text, out _, out _);
        }, []),
    ];

    private static byte[][] Tokens(params string[] tokens) => [.. tokens.Select(Ascii)];

    private static byte[] Ascii(string s) => Encoding.UTF8.GetBytes(s);

    private static void Feed(TelemetryTextParser parser, ReadOnlySpan<byte> input)
    {
        var sequence = new ReadOnlySequence<byte>(input.ToArray());
        parser.Parse(ref sequence, isFinalBlock: true);
    }

    private static string? Data(params string[] parts)
    {
        var root = SourceTree.Root();
        var path = root is null ? null : Path.Combine([root, "..", "shared", "data", .. parts]);
        return path is not null && File.Exists(path) ? path : null;
    }

    /// <summary>The first few KB of each file (whole lines), or nothing for a file not there.</summary>
    private static IEnumerable<byte[]> Head(params string?[] paths)
    {
        foreach (var path in paths.OfType<string>())
        {
            var bytes = new byte[SeedBytes];
            using var stream = File.OpenRead(path);
            var n = stream.ReadAtLeast(bytes, SeedBytes, throwOnEndOfStream: false);
            var end = n == SeedBytes ? Array.LastIndexOf(bytes, (byte)'\n', n - 1) + 1 : n;
            yield return bytes[..Math.Max(end, 0)];
        }
    }

    private static IEnumerable<byte[]> Whole(params string?[] paths) => paths.OfType<string>().Select(File.ReadAllBytes);

    private static IEnumerable<byte[]> Examples(params string[] names)
    {
        var root = SourceTree.Root();
        return root is null ? [] : names.Select(n => Path.Combine(root, "central", "NetworkTwin.Console", "Design", "Intents", n)).Where(File.Exists).Select(File.ReadAllBytes);
    }

    private static byte[] Model()
    {
        var spec = new FeatureSpec { StepSeconds = 2, Horizon = 3 };
        return new OnnxModelBuilder("seed").Metadata(BnnExport.ModelKindKey, BnnExport.ModelKind).Metadata(FeatureSpec.MetadataKey, spec.ToJson())
            .Input("x", Onnx.OnnxElementType.Float, 1, 1).Node("Relu", ["x"], ["y"]).Output("y", Onnx.OnnxElementType.Float, 1, 1).ToBytes();
    }

    private sealed class NullSink : ITelemetryRowSink
    {
        public void Throughput(double timeSeconds, double kbit)
        {
        }

        public void PacketStats(double timeSeconds, int txPackets, int rxPackets, int tooLatePackets)
        {
        }
    }
}
