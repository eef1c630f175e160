namespace NetworkTwin.Analytics.Graphs.Formats;

/// <summary>An imported network and what the importer had to fix or could not find.</summary>
public sealed record NetworkImport(Network Network, IReadOnlyList<string> Notes);
