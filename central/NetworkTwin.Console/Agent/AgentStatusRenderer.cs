using System.Globalization;
using NetworkTwin.Contracts.Status;
using Spectre.Console;
using Spectre.Console.Rendering;
using static System.FormattableString;

namespace NetworkTwin.Console.Agent;

/// <summary>An agent's status file as tables: connection, ingest, links, cells.</summary>
public static class AgentStatusRenderer
{
    /// <summary>Status older than this means the agent is not running (it writes every second).</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(5);

    public static IRenderable Render(AgentStatusDocument s, DateTimeOffset now, bool showCells = true)
    {
        var parts = new List<IRenderable>();
        var age = now - s.UpdatedAt;
        var uptime = s.UpdatedAt - s.StartedAt;
        parts.Add(new Markup(Invariant($"[bold]agent[/] site [cyan]{Markup.Escape(s.Site)}[/], pid {s.ProcessId}, up {uptime:hh\\:mm\\:ss}, memory {s.ResidentBytes / 1048576.0:0} MB, updated {age.TotalSeconds:0} s ago")));
        if (age > StaleAfter)
        {
            parts.Add(new Markup(Invariant($"[yellow]The agent has not updated its status for {age.TotalSeconds:0} s: it is stopped or hung. Check its log files.[/]")));
        }

        var ingest = new Table().Border(TableBorder.Rounded).AddColumns("source", "state", "messages", "rows", "rows/s", "refused");
        if (s.Broker is { } b)
        {
            ingest.AddRow(
                new Markup(Markup.Escape($"MQTT {b.Endpoint}")),
                new Markup(b.Connected ? "[green]connected[/]" : "[red]disconnected[/]"),
                new Text(Invariant($"{s.Ingest.Messages:N0}")),
                new Text(Invariant($"{s.Ingest.Rows:N0}")),
                new Text(Invariant($"{s.Ingest.RowsPerSecond:N0}")),
                new Text(Invariant($"{s.Ingest.MalformedPayloads + s.Ingest.RejectedTopics:N0} msgs")));
        }

        foreach (var f in s.Ingest.Files)
        {
            ingest.AddRow(Markup.Escape(Path.GetFileName(f.Path)), Invariant($"offset {f.Offset:N0}"), "-", Invariant($"{f.Rows:N0}"), "-", Invariant($"{f.MalformedLines:N0} lines"));
        }

        parts.Add(ingest);
        if (s.Broker is { } broker)
        {
            parts.Add(new Markup(Invariant($"broker: {broker.Connects} connects, {broker.ConnectionFailures} failures, {broker.ProtocolErrors} protocol errors, {broker.QueuedMessages} queued")
                + (broker.Connected ? string.Empty : $"; [red]last error:[/] {Markup.Escape(broker.LastError ?? "none")}")));
        }

        parts.Add(new Markup(Invariant($"refused: {s.Ingest.RejectedTopics:N0} unknown topics, {s.Ingest.MalformedPayloads:N0} malformed batches, {s.Ingest.MalformedLines:N0} malformed lines, {s.Ingest.LateRows:N0} rows older than the window")));
        if (s.Ingest.LastProblem is { } problem)
        {
            parts.Add(new Markup($"[yellow]last problem:[/] {Markup.Escape(problem)}"));
        }

        if (s.Coordinator is { } central)
        {
            parts.Add(new Markup(Invariant($"coordinator {Markup.Escape(central.Address)}: ") + (central.Connected ? "[green]connected[/]" : "[red]unreachable[/]")
                + Invariant($", {central.ResultsSent:N0} results sent, stored through sequence {central.AcknowledgedThrough:N0}")
                + (central.LastError is { } e && !central.Connected ? $" ({Markup.Escape(e)})" : string.Empty)));
        }

        if (s.Outbox is { } o)
        {
            parts.Add(new Markup(Invariant($"outbox: {o.Pending:N0} result(s) waiting for the coordinator ({o.PendingBytes / 1024.0:N0} KiB), last sequence {o.LastSequence:N0}")
                + (o.Dropped > 0 ? Invariant($", [red]{o.Dropped:N0} dropped by the bound[/]") : string.Empty)));
        }

        if (s.Forecast is { } forecast)
        {
            parts.Add(new Markup(forecast.ModelVersion == 0
                ? "forecasts: no model yet (the coordinator sends one once it has learned from this agent's history)"
                : Invariant($"forecasts: model {Markup.Escape(forecast.ModelName)} v{forecast.ModelVersion}, {forecast.Forecasts:N0} made, {forecast.Anomalies:N0} windows outside the previous forecast's 90% interval")));
        }

        if (s.Latency.Samples > 0)
        {
            parts.Add(new Markup(Invariant($"publish-to-applied latency: p50 {s.Latency.P50Ms:0.000} ms, p99 {s.Latency.P99Ms:0.000} ms, max {s.Latency.MaxMs:0.000} ms ({s.Latency.Samples:N0} stamped batches)")));
        }

        var w = s.Window;
        parts.Add(new Markup(Invariant($"window {w.Seconds:0.#} s ending at data time {w.DataTimeSeconds?.ToString("0.000", CultureInfo.InvariantCulture) ?? "-"} s; {w.Evaluations} evaluations, last took {w.LastEvaluationMs:0.0} ms")));
        var links = new Table().Border(TableBorder.Rounded).Title("links (latest window)")
            .AddColumns("link", "cells", "capacity Gbit/s", "no buffer", "peak", "mean", "loss %", "target");
        foreach (var l in s.Links)
        {
            links.AddRow(
                l.Id.ToString(CultureInfo.InvariantCulture),
                string.Join(",", l.Cells),
                Invariant($"{l.CapacityGbps:0.00}"),
                Invariant($"{l.CapacityNoBufferGbps:0.00}"),
                Invariant($"{l.PeakGbps:0.00}"),
                Invariant($"{l.MeanGbps:0.00}"),
                l.ObservedLossPercent is { } loss ? Invariant($"{loss:0.000}") : "-",
                l.TargetGbps is { } target ? (target < l.CapacityGbps ? "[red]" : string.Empty) + Invariant($"{target:0.##}") + (target < l.CapacityGbps ? "[/]" : string.Empty) : "-");
        }

        if (s.Links.Count == 0)
        {
            links.AddRow("-", w.LastError is null ? "waiting for the first evaluation" : Markup.Escape(w.LastError), "", "", "", "", "", "");
        }

        parts.Add(links);
        if (w.Discovery is { } discovery)
        {
            parts.Add(new Markup(Markup.Escape(discovery)));
        }

        if (showCells && s.Cells.Count > 0)
        {
            var cells = new Table().Border(TableBorder.Rounded).Title("cells").AddColumns("cell", "link", "mean Gbit/s", "loss %", "offset ms", "rows");
            foreach (var c in s.Cells)
            {
                cells.AddRow(
                    c.Id.ToString(CultureInfo.InvariantCulture),
                    c.Link?.ToString(CultureInfo.InvariantCulture) ?? "-",
                    Invariant($"{c.WindowMeanGbps:0.000}"),
                    c.WindowLossPercent is { } loss ? Invariant($"{loss:0.000}") : "-",
                    c.ClockOffsetMs is { } off ? Invariant($"{off:+0.0;-0.0} ({c.OffsetReference})") : "-",
                    Invariant($"{c.ThroughputRows + c.PacketRows:N0}"));
            }

            parts.Add(cells);
        }

        return new Rows(parts);
    }

    /// <summary>The status in one line, for piped output.</summary>
    public static string Line(AgentStatusDocument s, DateTimeOffset now)
    {
        var age = (now - s.UpdatedAt).TotalSeconds;
        var broker = s.Broker is null ? "no MQTT" : s.Broker.Connected ? "MQTT connected" : $"MQTT DISCONNECTED ({s.Broker.LastError})";
        var links = string.Join(" / ", s.Links.Select(l => Invariant($"link {l.Id}: {l.CapacityGbps:0.00} Gbit/s")));
        return Invariant($"{s.UpdatedAt:HH:mm:ss} {s.Site}: {broker}, {s.Ingest.MessagesPerSecond:N0} msgs/s, {s.Ingest.RowsPerSecond:N0} rows/s, refused {s.Ingest.MalformedPayloads + s.Ingest.RejectedTopics:N0}; {links}")
            + (age > StaleAfter.TotalSeconds ? Invariant($" (STALE: not updated for {age:0} s)") : string.Empty);
    }
}
