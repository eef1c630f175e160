using System.Globalization;
using Spectre.Console;

namespace NetworkTwin.Console.Lab.Fronthaul;

/// <summary>Prints a run for a person: the link map, the capacities as a table and a chart, and what went wrong.</summary>
public static class ReportRenderer
{
    private const int MaxSamplesShown = 5;

    public static void Render(IAnsiConsole console, FronthaulRun run)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(run);
        var report = run.Report;
        console.Write(new Rule($"[bold]Fronthaul analysis[/] of {Markup.Escape(run.Folder)}").LeftJustified());
        console.MarkupLine(
            $"{run.Capture.Files.Count} files, {run.Capture.BytesRead / 1e6:0.0} MB read in {run.LoadSeconds:0.00} s; " +
            $"{report.Cleaning.OutliersRemoved} measurement errors zeroed, {report.Cleaning.MalformedLines} malformed lines skipped; total {run.TotalSeconds:0.00} s.");

        var links = new Table().Title("[bold]Links[/] (Gbit/s)").Border(TableBorder.Rounded);
        foreach (var header in new[] { "link", "cells", "peak", "P99", "P95", "mean", "seen loss", "no buffer", $"{run.Options.BufferMicros:0}us buf", "saving" })
        {
            links.AddColumn(new TableColumn(header).RightAligned());
        }

        foreach (var l in report.Links)
        {
            links.AddRow(
                l.Id.ToString(CultureInfo.InvariantCulture),
                string.Join(' ', l.Cells),
                F(l.PeakGbps),
                F(l.P99Gbps),
                F(l.P95Gbps),
                F(l.MeanGbps),
                l.ObservedLossPercent is { } o ? $"{o:0.00}%" : "-",
                F(l.CapacityNoBufferGbps),
                $"[bold]{F(l.CapacityGbps)}[/]",
                $"{l.SavingPercent:0.0}%");
        }

        console.Write(links);

        // Which radio units each link holds and how clearly the loss evidence sets it apart from its closest neighbour.
        var evidence = new Table().Title("[bold]Loss evidence per link[/]: clock groups (cells of one RU clock, never split) and mean loss correlation").Border(TableBorder.Rounded);
        evidence.AddColumns("link", "clock groups", "r within", "closest link", "r with it");
        foreach (var l in report.Links)
        {
            evidence.AddRow(
                l.Id.ToString(CultureInfo.InvariantCulture),
                l.ClockGroups.Length == 0 ? "- (no loss evidence)" : string.Join(' ', l.ClockGroups.Select(g => $"({string.Join(' ', g)})")),
                l.MeanCorrelation is { } r ? r.ToString("0.00", CultureInfo.InvariantCulture) : "-",
                l.NextLink is { } next ? next.ToString(CultureInfo.InvariantCulture) : "-",
                l.NextLinkCorrelation is { } n ? (l.MeanCorrelation is { } w && n >= w ? $"[yellow]{n:0.00}[/] (not apart)" : n.ToString("0.00", CultureInfo.InvariantCulture)) : "-");
        }

        console.Write(evidence);
        var sized = report.Links.Where(l => l.CapacityGbps > 0).ToList();
        if (sized.Count == 0)
        {
            // Spectre's bar chart cannot draw no bars: say so instead.
            console.MarkupLine("[bold]Capacity[/]: no link to size (discovery found none; see below).");
        }
        else
        {
            var chart = new BarChart().Label($"[bold]capacity with {run.Options.BufferMicros:0} us buffer at {run.Options.LossTarget:P1} loss (Gbit/s)[/]").Width(70);
            foreach (var l in sized)
            {
                chart.AddItem($"link {l.Id}", Math.Round(l.CapacityGbps, 2), Color.SteelBlue);
            }

            console.Write(chart);
        }

        var cells = new Table().Title("[bold]Cells[/] (full evidence in the JSON report)").Border(TableBorder.Simple);
        foreach (var header in new[] { "cell", "link", "offset ms", "vs", "conf", "lost/tx", "best match" })
        {
            cells.AddColumn(header);
        }

        foreach (var c in report.Cells)
        {
            var best = c.Evidence.IndexOf("best match ", StringComparison.Ordinal);
            cells.AddRow(
                c.Id.ToString(CultureInfo.InvariantCulture),
                c.Link?.ToString(CultureInfo.InvariantCulture) ?? "?",
                c.ClockOffsetMs is { } ms ? ms.ToString("0.0", CultureInfo.InvariantCulture) : "?",
                c.OffsetReference,
                c.Confidence.ToString("0.00", CultureInfo.InvariantCulture),
                c.TxPackets > 0 ? $"{100.0 * c.LostPackets / c.TxPackets:0.00}%" : "-",
                Markup.Escape(best >= 0 ? c.Evidence[(best + 11)..].Replace(" (", " ", StringComparison.Ordinal).TrimEnd(')') : c.Evidence));
        }

        console.Write(cells);
        console.MarkupLine($"[bold]Discovery:[/] {Markup.Escape(report.Discovery.Statement)}");
        console.MarkupLine($"[bold]Cleaning rule:[/] {Markup.Escape(report.Cleaning.Rule)}.");
        foreach (var warning in report.Warnings.Where(w => w != report.Discovery.Statement))
        {
            console.MarkupLine($"[yellow]warning:[/] {Markup.Escape(warning)}");
        }

        foreach (var rejected in run.Capture.Rejected)
        {
            console.MarkupLine($"[red]rejected:[/] {Markup.Escape(rejected)}");
        }

        foreach (var sample in run.Capture.MalformedSamples.Take(MaxSamplesShown))
        {
            console.MarkupLine($"[yellow]malformed:[/] {Markup.Escape(sample.ToString())}");
        }

        if (report.Cleaning.MalformedLines > MaxSamplesShown)
        {
            console.MarkupLine($"[yellow]... {report.Cleaning.MalformedLines - Math.Min(MaxSamplesShown, run.Capture.MalformedSamples.Count)} more malformed lines (first {run.Capture.MalformedSamples.Count} listed in the JSON).[/]");
        }

        if (run.Outputs.JsonPath is { } json)
        {
            console.MarkupLine($"JSON report: [link]{Markup.Escape(json)}[/]");
        }

        if (run.Outputs.CsvFolder is { } csv)
        {
            console.MarkupLine($"CSV tables:  [link]{Markup.Escape(Path.Combine(csv, "links.csv"))}[/], [link]{Markup.Escape(Path.Combine(csv, "cells.csv"))}[/]");
        }
    }

    private static string F(double gbps) => gbps.ToString("0.00", CultureInfo.InvariantCulture);
}
