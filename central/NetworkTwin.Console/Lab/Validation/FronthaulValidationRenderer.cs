using System.Globalization;
using System.Text.Json;
using NetworkTwin.Console.Lab.Fronthaul;
using Spectre.Console;

namespace NetworkTwin.Console.Lab.Validation;

/// <summary>Prints a validation for a person (a table, then loss against capacity per link as a chart) and writes it as JSON.</summary>
internal static class FronthaulValidationRenderer
{
    /// <summary>ns-3's capacity for the loss target is called in agreement with the twin's within this many %.</summary>
    public const double AgreementPercent = 2.0;

    public static void Render(IAnsiConsole console, string folder, Ns3ValidationSettings settings, IReadOnlyList<Ns3LinkValidation> links)
    {
        console.Write(new Rule($"[bold]The twin against ns-3[/] on {Markup.Escape(folder)}").LeftJustified());
        console.MarkupLine(
            $"Switch port: drop-tail queue of capacity x {settings.BufferSeconds * 1e6:0.#} us in bytes; frames of at most {settings.MaxFrameBytes} B" +
            (settings.HeaderBytes > 0 ? $" with {settings.HeaderBytes} B of headers each" : string.Empty) + $"; loss target {settings.LossTarget:P1}.");
        if (links.Count == 0)
        {
            console.MarkupLine("No link to validate: the analysis found none (lab analyze fronthaul on the same folder says why).");
            return;
        }

        var table = new Table().Title("[bold]Loss at the twin's capacity C and 5% either side; capacity for the target[/]").Border(TableBorder.Rounded);
        foreach (var column in new[] { "link", "span s", "packets", "twin C Gbit/s", "fluid loss -5% / C / +5%", "ns-3 loss -5% / C / +5%", "ns-3 C for target", "vs twin", "ns-3 run s", "fluid run ms" })
        {
            table.AddColumn(new TableColumn(column).RightAligned());
        }

        foreach (var l in links)
        {
            if (l.TwinCapacityBps <= 0)
            {
                table.AddRow(I(l.LinkId), $"{l.Seconds:0.0}", I(l.Packets), "-", "no traffic", "-", "-", "-", "-", "-");
                continue;
            }

            var (below, at, above) = (l.At(0.95), l.At(1.0), l.At(1.05));
            var atOk = at.Ns3Loss <= l.LossTarget;
            var agrees = Math.Abs(l.DifferencePercent) <= AgreementPercent;
            table.AddRow(
                I(l.LinkId),
                $"{l.Seconds:0.0}",
                I(l.Packets),
                $"[bold]{l.TwinCapacityBps / 1e9:0.000}[/]",
                $"{P(below.FluidLoss)} / {P(at.FluidLoss)} / {P(above.FluidLoss)}",
                $"{P(below.Ns3Loss)} / {(atOk ? "[green]" : "[red]")}{P(at.Ns3Loss)}[/] / {P(above.Ns3Loss)}",
                double.IsNaN(l.Ns3CapacityBps) ? "not bracketed" : $"{l.Ns3CapacityBps / 1e9:0.000}",
                double.IsNaN(l.Ns3CapacityBps) ? "-" : $"{(agrees ? "[green]" : "[red]")}{l.DifferencePercent:+0.00;-0.00}%[/]",
                $"{l.Ns3MedianRunSeconds:0.00} x {l.Ns3Runs}",
                $"{l.FluidRunMilliseconds:0.000}");
        }

        console.Write(table);
        console.MarkupLine($"Targets: ns-3's loss at the twin's capacity at most the loss target ([green]green[/]); ns-3's capacity for the target within {AgreementPercent:0}% of the twin's (found by bisection to {settings.RelativeTolerance:0.0%}: the smallest capacity ns-3 was seen to meet the target at).");
        foreach (var l in links.Where(l => l.Points.Count > 1))
        {
            console.Write(Chart(l));
        }
    }

    /// <summary>
    /// Loss (%) against capacity in characters, readable with or without colour: the fluid model's curve (·), ns-3's
    /// runs (●), the loss target (─) and the twin's capacity (│).
    /// </summary>
    private static Panel Chart(Ns3LinkValidation link)
    {
        const int Width = 72;
        const int Height = 16;
        var min = link.Points[0].CapacityBps;
        var max = link.Points[^1].CapacityBps;
        var top = Math.Max(link.LossTarget * 2, link.Points.Max(p => Math.Max(p.FluidLoss, p.Ns3Loss ?? 0)));
        int X(double capacity) => (int)Math.Round((capacity - min) / (max - min) * (Width - 1));
        int Y(double loss) => Height - 1 - (int)Math.Round(Math.Min(loss, top) / top * (Height - 1));
        var grid = new string?[Height, Width];
        for (var x = 0; x < Width; x++)
        {
            grid[Y(link.LossTarget), x] = "[grey]─[/]";
        }

        for (var y = 0; y < Height; y++)
        {
            grid[y, X(link.TwinCapacityBps)] = "[grey]│[/]";
        }

        foreach (var p in link.Points)
        {
            grid[Y(p.FluidLoss), X(p.CapacityBps)] = "[steelblue1]·[/]";
        }

        foreach (var p in link.Points.Where(p => p.Ns3Loss is not null))
        {
            grid[Y(p.Ns3Loss!.Value), X(p.CapacityBps)] = "[red]●[/]";
        }

        var lines = new List<string>();
        for (var y = 0; y < Height; y++)
        {
            var label = y == 0 ? $"{top:0.00%}" : y == Y(link.LossTarget) ? $"{link.LossTarget:0.00%}" : y == Height - 1 ? "0%" : string.Empty;
            var row = new System.Text.StringBuilder(label.PadLeft(7)).Append(" ┤");
            for (var x = 0; x < Width; x++)
            {
                row.Append(grid[y, x] ?? " ");
            }

            lines.Add(row.ToString());
        }

        var left = $"{min / 1e9:0.000}";
        var right = $"{max / 1e9:0.000} Gbit/s";
        lines.Add(new string(' ', 8) + "└" + new string('─', Width));
        lines.Add(new string(' ', 9) + left + new string(' ', Math.Max(1, Width - left.Length - right.Length)) + right);
        lines.Add($"[steelblue1]·[/] fluid model   [red]●[/] ns-3 run   [grey]─[/] {link.LossTarget:P1} target   [grey]│[/] twin's capacity {link.TwinCapacityBps / 1e9:0.000} Gbit/s");
        return new Panel(new Markup(string.Join('\n', lines))).Header($"link {link.LinkId}: loss against capacity").Border(BoxBorder.Rounded);
    }

    public static async Task WriteJsonAsync(string path, Ns3ValidationSettings settings, IReadOnlyList<Ns3LinkValidation> links, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var document = new
        {
            settings,
            agreementPercent = AgreementPercent,
            links = links.Select(l => new
            {
                l.LinkId,
                l.Cells,
                l.Resolution,
                l.Seconds,
                l.Packets,
                l.Bytes,
                l.LossTarget,
                l.TwinCapacityBps,
                l.Ns3CapacityBps,
                l.DifferencePercent,
                FluidLossAtTwin = l.TwinCapacityBps > 0 ? l.At(1.0).FluidLoss : 0,
                Ns3LossAtTwin = l.TwinCapacityBps > 0 ? l.At(1.0).Ns3Loss : null,
                l.Ns3Runs,
                l.Ns3MedianRunSeconds,
                l.FluidRunMilliseconds,
                l.Points,
            }),
        };
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(document, ReportFiles.Json), ct).ConfigureAwait(false);
    }

    private static string I(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string P(double? loss) => loss is { } l ? l.ToString("0.00%", CultureInfo.InvariantCulture) : "-";
}
