namespace NetworkTwin.Analytics.Parsing;

/// <summary>One rejected line: where it is and why it was rejected.</summary>
public sealed record MalformedLine(string Source, long LineNumber, string Reason)
{
    public override string ToString() => $"{Source}:{LineNumber}: {Reason}";
}
