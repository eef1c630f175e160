using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace NetworkTwin.Console.Lab.Fronthaul;

/// <summary>Writes a run as JSON (the full report) and CSV (one row per cell, one per link).</summary>
public static class ReportFiles
{
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static async Task WriteAsync(FronthaulRun run, ReportOutputs outputs, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(outputs);
        if (outputs.JsonPath is { } jsonPath)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(jsonPath))!);
            await File.WriteAllTextAsync(jsonPath, ToJson(run), ct).ConfigureAwait(false);
        }

        if (outputs.CsvFolder is { } folder)
        {
            Directory.CreateDirectory(folder);
            await File.WriteAllTextAsync(Path.Combine(folder, "cells.csv"), CellsCsv(run), ct).ConfigureAwait(false);
            await File.WriteAllTextAsync(Path.Combine(folder, "links.csv"), LinksCsv(run), ct).ConfigureAwait(false);
        }
    }

    public static string ToJson(FronthaulRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var report = run.Report;
        var document = new
        {
            source = run.Folder,
            generatedAtUtc = DateTime.UtcNow,
            options = new
            {
                declaredLinks = run.Options.DeclaredLinks,
                pins = run.Options.Pins.OrderBy(p => p.Key).Select(p => new { cell = p.Key, link = p.Value }),
                bufferMicros = run.Options.BufferMicros,
                lossTarget = run.Options.LossTarget,
                maxClockOffsetSeconds = run.Options.MaxClockOffsetSeconds,
                outlierFactor = run.Options.OutlierFactor,
            },
            cells = report.Cells,
            links = report.Links,
            cleaning = report.Cleaning,
            discovery = report.Discovery,
            warnings = report.Warnings,
            rejectedFiles = run.Capture.Rejected,
            malformedSamples = run.Capture.MalformedSamples.Select(m => m.ToString()),
            timings = new { loadSeconds = Math.Round(run.LoadSeconds, 3), totalSeconds = Math.Round(run.TotalSeconds, 3), bytesRead = run.Capture.BytesRead },
        };
        return JsonSerializer.Serialize(document, Json);
    }

    public static string CellsCsv(FronthaulRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var sb = new StringBuilder("id,link,clockOffsetMs,offsetReference,confidence,txPackets,lostPackets,outliersRemoved,duOffsetMs,duCorrelation,evidence\n");
        foreach (var c in run.Report.Cells)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{c.Id},{c.Link},{c.ClockOffsetMs},{Quote(c.OffsetReference)},{c.Confidence},{c.TxPackets},{c.LostPackets},{c.OutliersRemoved},{c.DuAlignment?.OffsetMs},{c.DuAlignment?.Correlation},{Quote(c.Evidence)}\n");
        }

        return sb.ToString();
    }

    public static string LinksCsv(FronthaulRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var sb = new StringBuilder("id,cells,peakGbps,p99Gbps,p95Gbps,meanGbps,observedLossPercent,capacityNoBufferGbps,capacityGbps,savingPercent,modelLossPercent,resolution\n");
        foreach (var l in run.Report.Links)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{l.Id},{string.Join(' ', l.Cells)},{l.PeakGbps},{l.P99Gbps},{l.P95Gbps},{l.MeanGbps},{l.ObservedLossPercent},{l.CapacityNoBufferGbps},{l.CapacityGbps},{l.SavingPercent},{l.ModelLossPercent},{l.Resolution}\n");
        }

        return sb.ToString();
    }

    private static string Quote(string text) => "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
