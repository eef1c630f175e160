using System.Globalization;
using NetworkTwin.Learning.Forecast;
using NetworkTwin.Learning.Series;
using Spectre.Console;

namespace NetworkTwin.Console.Lab.Models;

/// <summary>The accuracy tables of <c>networktwin lab forecast</c>: the model against the baselines per horizon, the capacity that holds, per link on request.</summary>
internal static class ForecastReport
{
    public static void Render(IAnsiConsole console, string title, List<HorizonEvaluation> results, bool perLink, string unit)
    {
        var table = new Table().Title(Markup.Escape(title))
            .AddColumn("horizon").AddColumn(new TableColumn("model WAPE").RightAligned()).AddColumn(new TableColumn("accuracy").RightAligned())
            .AddColumn(new TableColumn("90% coverage").RightAligned()).AddColumn(new TableColumn("last value").RightAligned())
            .AddColumn(new TableColumn("previous day").RightAligned()).AddColumn(new TableColumn("EWMA").RightAligned())
            .AddColumn(new TableColumn("vs best baseline").RightAligned()).AddColumn(new TableColumn("training").RightAligned());
        foreach (var r in results)
        {
            var o = r.Overall;
            table.AddRow(
                Horizon(r), Pct(o.ModelWape), Pct(1 - o.ModelWape), Pct(o.Coverage), Pct(o.LastValueWape), Day(o.PreviousDayWape),
                $"{Pct(o.EwmaWape)} (a={r.EwmaAlpha:0.##})", $"{(o.ModelWape / o.BestBaselineWape) - 1:+0.0%;-0.0%}", $"{r.TrainSeconds:0.0} s, {r.TrainRows} rows");
        }

        console.Write(table);
        foreach (var r in results.Where(r => r.Comparison is not null))
        {
            console.MarkupLine($"{Horizon(r)}: {Markup.Escape(r.Comparison!.Describe())}");
        }

        var step = results.Count > 0 ? Durations.Text(results[0].StepSeconds) : "";
        console.MarkupLine($"WAPE = sum |actual - forecast| / sum actual over every link and {step} test window; the model's forecast is its predictive median, its interval the 5%-95% quantiles.");
        if (results.Any(r => r.SeasonSteps == 0))
        {
            console.MarkupLine("No daily season: the step does not divide a day or the training holds less than two days, so the model has no seasonal or time-of-day inputs and there is no previous-day baseline (n/a).");
        }

        foreach (var r in results)
        {
            var capacities = new Table().Title($"capacity that holds with probability 0.99, {Horizon(r)} ahead (test days)")
                .AddColumn(perLink ? "link" : "")
                .AddColumn("best fit (KS)").AddColumn(new TableColumn($"static {Markup.Escape(unit)}").RightAligned()).AddColumn(new TableColumn("exceeded").RightAligned())
                .AddColumn(new TableColumn($"predictive {Markup.Escape(unit)}").RightAligned()).AddColumn(new TableColumn("exceeded").RightAligned())
                .AddColumn(new TableColumn($"peak {Markup.Escape(unit)}").RightAligned()).AddColumn(new TableColumn("exceeded").RightAligned());
            var scored = r.Links.Where(l => l.Capacity is not null).ToList();
            if (perLink)
            {
                foreach (var l in scored)
                {
                    var c = l.Capacity!;
                    capacities.AddRow(Markup.Escape(l.Link), $"{c.Distribution} ({c.Ks:0.000})", Mbps(c.StaticCapacity), Pct(c.StaticViolation), Mbps(c.PredictiveMedianCapacity), Pct(c.PredictiveViolation), Mbps(c.TrainingPeak), Pct(c.PeakViolation));
                }
            }

            var fits = string.Join(", ", scored.GroupBy(l => l.Capacity!.Distribution).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} {g.Count()}"));
            capacities.AddRow(
                "all links", fits,
                Mbps(scored.Sum(l => l.Capacity!.StaticCapacity)), Pct(scored.Average(l => l.Capacity!.StaticViolation)),
                Mbps(scored.Sum(l => l.Capacity!.PredictiveMedianCapacity)), Pct(scored.Average(l => l.Capacity!.PredictiveViolation)),
                Mbps(scored.Sum(l => l.Capacity!.TrainingPeak)), Pct(scored.Average(l => l.Capacity!.PeakViolation)));
            console.Write(capacities);
        }

        console.MarkupLine("static: the 99% quantile of the distribution (normal, lognormal, gamma, Weibull, Pareto by maximum likelihood) with the lowest AIC on the training loads; predictive: each window's 99% quantile from the model (median over the windows; the 99% tail score is measured on the held-out part of the training); peak: the largest training load. exceeded = share of test windows whose load was above it (the target is 1%).");
        if (!perLink)
        {
            return;
        }

        foreach (var r in results)
        {
            var links = new Table().Title($"per link, {Horizon(r)} ahead").AddColumn("link")
                .AddColumn(new TableColumn("model").RightAligned()).AddColumn(new TableColumn("coverage").RightAligned())
                .AddColumn(new TableColumn("last value").RightAligned()).AddColumn(new TableColumn("previous day").RightAligned()).AddColumn(new TableColumn("EWMA").RightAligned());
            foreach (var l in r.Links)
            {
                links.AddRow(Markup.Escape(l.Link), Pct(l.ModelWape), Pct(l.Coverage), Pct(l.LastValueWape), Day(l.PreviousDayWape), Pct(l.EwmaWape));
            }

            console.Write(links);
        }
    }

    private static string Horizon(HorizonEvaluation r) => Durations.Text(r.Horizon * r.StepSeconds);

    private static string Day(double v) => double.IsNaN(v) ? "n/a" : Pct(v);

    private static string Mbps(double v) => v.ToString("#,0", CultureInfo.InvariantCulture);

    private static string Pct(double v) => v.ToString("0.0%", CultureInfo.InvariantCulture);
}
