using System.Buffers;
using NetworkTwin.Agent.Live;
using NetworkTwin.Analytics.Parsing;
using NetworkTwin.Contracts.Telemetry;

namespace NetworkTwin.Agent.Ingest;

/// <summary>
/// Turns one MQTT message into rows in the live twin. Binary batches are checked whole before
/// any row is applied; text batches apply their good lines and report the bad ones (as a file
/// would). Not thread-safe: one decoder per ingest loop (it reuses a parser per cell and kind).
/// </summary>
internal sealed class PayloadDecoder(LiveTwin twin)
{
    private readonly Dictionary<(int Cell, TelemetryKind Kind), LiveRowParser> _parsers = [];

    /// <summary>The outcome of one payload: rows applied, malformed lines, and the problem if it was refused.</summary>
    public readonly record struct Outcome(int Rows, long MalformedLines, string? Problem, MalformedLine? FirstMalformed, long SentUnixNanos);

    public Outcome Decode(TelemetryTopic topic, string topicText, ReadOnlyMemory<byte> payload)
    {
        var cell = twin.Cell(topic.Cell);
        if (cell is null)
        {
            return new Outcome(0, 0, $"{topicText}: refused, already {LiveTwin.MaxCells} cells live (is a publisher sending bogus cell ids?)", null, 0);
        }

        if (payload.IsEmpty)
        {
            return new Outcome(0, 0, $"{topicText}: empty payload", null, 0);
        }

        var span = payload.Span;
        if (BinaryTelemetryBatch.IsBinary(span))
        {
            var problem = BinaryTelemetryBatch.Decode(span, topic.Kind, cell, out var rows);
            return problem is null
                ? new Outcome(rows, 0, null, null, BinaryTelemetryBatch.SentUnixNanos(span))
                : new Outcome(0, 0, $"{topicText}: {problem}", null, 0);
        }

        if (!_parsers.TryGetValue((topic.Cell, topic.Kind), out var parser))
        {
            parser = new LiveRowParser(topic.Kind, topicText, cell);
            _parsers[(topic.Cell, topic.Kind)] = parser;
        }

        parser.Restart();
        var sequence = new ReadOnlySequence<byte>(payload);
        try
        {
            parser.Parse(ref sequence, isFinalBlock: true);
        }
        catch (InvalidDataException ex)
        {
            return new Outcome((int)parser.RowsAccepted, parser.MalformedLines, ex.Message, null, 0);
        }

        var first = parser.MalformedSamples.Count > 0 ? parser.MalformedSamples[0] : null;
        if (parser.RowsAccepted == 0)
        {
            var why = first is null ? "no rows" : $"no rows; line {first.LineNumber}: {first.Reason}";
            return new Outcome(0, parser.MalformedLines, $"{topicText}: text payload has {why}", first, 0);
        }

        return new Outcome((int)parser.RowsAccepted, parser.MalformedLines, null, first, 0);
    }
}
