namespace NetworkTwin.Console.Lab.Fronthaul;

/// <summary>Where the report files go; null means not written.</summary>
public sealed record ReportOutputs(string? JsonPath, string? CsvFolder);
