using System.CommandLine;
using System.Globalization;
using System.Text;
using NetworkTwin.Analytics.Leo;
using NetworkTwin.Console.Cli;
using Spectre.Console;
using static System.FormattableString;

namespace NetworkTwin.Console.Lab.Scenario;

/// <summary>
/// <c>networktwin lab scenario leo</c>: a LEO satellite network as a scenario template. A Walker
/// constellation moves through time; ground links appear and disappear, inter-plane links switch off
/// near the poles, and every station pair's latency over the constellation changes with them.
/// </summary>
public static class LeoCommand
{
    internal static readonly GroundStation[] DefaultStations =
    [
        new("london", 51.51, -0.13),
        new("new-york", 40.71, -74.01),
        new("singapore", 1.35, 103.82),
        new("sydney", -33.87, 151.21),
    ];

    public static Command Create(IAnsiConsole console)
    {
        var d = new WalkerSpec();
        var planes = new Option<int>("--planes") { Description = "Orbital planes.", DefaultValueFactory = _ => d.Planes };
        var perPlane = new Option<int>("--per-plane") { Description = "Satellites per plane.", DefaultValueFactory = _ => d.PerPlane };
        var phasing = new Option<int>("--phasing") { Description = "Walker phasing F (0..planes-1).", DefaultValueFactory = _ => d.Phasing };
        var inclination = new Option<double>("--inclination") { Description = "Inclination in degrees.", DefaultValueFactory = _ => d.InclinationDeg };
        var altitude = new Option<double>("--altitude") { Description = "Altitude in km.", DefaultValueFactory = _ => d.AltitudeKm };
        var pattern = new Option<WalkerPattern>("--pattern") { Description = "delta (planes over 360 degrees) or star (over 180, polar).", DefaultValueFactory = _ => d.Pattern };
        var elevation = new Option<double>("--min-elevation") { Description = "Lowest elevation a station uses, degrees.", DefaultValueFactory = _ => d.MinElevationDeg };
        var stations = new Option<string[]>("--station") { Description = "NAME:LAT:LON (repeatable; default London, New York, Singapore, Sydney).", Arity = ArgumentArity.ZeroOrMore, AllowMultipleArgumentsPerToken = true };
        var minutes = new Option<double>("--minutes") { Description = "How long to run (default: one orbital period)." };
        var step = new Option<double>("--step-s") { Description = "Seconds between snapshots.", DefaultValueFactory = _ => 60 };
        var leo = new Command("leo", "A Walker LEO constellation over time: ground coverage, inter-satellite links and station-to-station latency.")
        {
            planes, perPlane, phasing, inclination, altitude, pattern, elevation, stations, minutes, step,
        };
        leo.SetAction(parse =>
        {
            var spec = new WalkerSpec
            {
                Planes = parse.GetValue(planes),
                PerPlane = parse.GetValue(perPlane),
                Phasing = parse.GetValue(phasing),
                InclinationDeg = parse.GetValue(inclination),
                AltitudeKm = parse.GetValue(altitude),
                Pattern = parse.GetValue(pattern),
                MinElevationDeg = parse.GetValue(elevation),
            };
            if (spec.Validate() is { Count: > 0 } problems)
            {
                throw new CliUsageException(string.Join("; ", problems));
            }

            var ground = Stations(parse.GetValue(stations));
            var period = new WalkerConstellation(spec).PeriodSeconds;
            var seconds = parse.GetValue(minutes) is > 0 and var m ? m * 60 : period;
            var stepSeconds = parse.GetValue(step);
            if (stepSeconds is < 1 or > 3600 || seconds > 7 * 86400 || seconds / stepSeconds > 20_000)
            {
                throw new CliUsageException($"--step-s must be 1..3600 and the run at most 7 days and 20000 steps (got {stepSeconds} s over {seconds:0} s)");
            }

            LeoTimelineReport report = null!;
            console.Progress().AutoClear(true).Start(ctx =>
            {
                var task = ctx.AddTask("snapshots", maxValue: 1);
                report = LeoTimeline.Run(spec, ground, seconds, stepSeconds, new Progress<double>(f => task.Value = f));
            });
            Render(console, report);
            return CliApp.ExitOk;
        });

        return leo;
    }

    private static GroundStation[] Stations(string[]? given)
    {
        if (given is not { Length: > 0 })
        {
            return DefaultStations;
        }

        var list = new List<GroundStation>();
        foreach (var text in given)
        {
            var parts = text.Split(':');
            if (parts.Length != 3 || parts[0].Length == 0
                || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var lat) || lat is < -90 or > 90
                || !double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var lon) || lon is < -180 or > 180)
            {
                throw new CliUsageException($"--station: '{text}' must be NAME:LAT:LON with latitude -90..90 and longitude -180..180");
            }

            list.Add(new GroundStation(parts[0], lat, lon));
        }

        if (list.Count < 2 || list.Select(s => s.Id).Distinct().Count() != list.Count)
        {
            throw new CliUsageException("--station: give at least two stations with distinct names");
        }

        return [.. list];
    }

    private static void Render(IAnsiConsole console, LeoTimelineReport r)
    {
        var s = r.Spec;
        console.MarkupLine(Invariant($"Walker {s.Pattern.ToString().ToLowerInvariant()} {s.InclinationDeg:0.#}:{s.Satellites}/{s.Planes}/{s.Phasing} at {s.AltitudeKm:0} km: period {r.PeriodSeconds / 60:0.0} min; {r.Times.Count} snapshots every {(r.Times.Count > 1 ? r.Times[1] : 0):0} s; inter-plane links {r.InterPlaneLinks.Min()}-{r.InterPlaneLinks.Max()} of {(s.Pattern == WalkerPattern.Star ? s.Planes - 1 : s.Planes) * s.PerPlane} (off above {s.MaxInterPlaneLatitudeDeg:0} degrees latitude)"));
        var pairs = new Table().Border(TableBorder.Rounded).AddColumns("pair", "light, great circle", "min ms", "mean ms", "max ms", "outage", "mean hops", "latency over time");
        foreach (var p in r.Pairs)
        {
            pairs.AddRow(
                Markup.Escape($"{p.From} - {p.To}"),
                Invariant($"{p.GreatCircleMs:0.0} ms"),
                p.Min is { } min ? Invariant($"{min:0.0}") : "-",
                p.Mean is { } mean ? Invariant($"{mean:0.0}") : "-",
                p.Max is { } max ? Invariant($"{max:0.0}") : "-",
                Invariant($"{p.Outage:P0}"),
                p.Hops.Any(h => h is not null) ? Invariant($"{p.Hops.Where(h => h is not null).Average(h => h!.Value):0.0}") : "-",
                Sparkline(p.LatencyMs));
        }

        console.Write(pairs);
        var coverage = new Table().Border(TableBorder.Rounded).AddColumns("station", "satellites in view: min", "mean", "max", "time with none");
        foreach (var (station, counts) in r.VisibleSatellites)
        {
            coverage.AddRow(Markup.Escape(station), Invariant($"{counts.Min()}"), Invariant($"{counts.Average():0.0}"), Invariant($"{counts.Max()}"), Invariant($"{counts.Count(c => c == 0) / (double)counts.Count:P0}"));
        }

        console.Write(coverage);
        console.MarkupLine(Invariant($"Latency: one way, along the shortest path over ground-satellite and inter-satellite links at the speed of light (stations do not relay). In the sparkline, low is fast and a gap (·) is an outage. A station uses satellites at least {s.MinElevationDeg:0} degrees above its horizon."));
    }

    /// <summary>Latency over time as block characters, scaled between the run's min and max; a dot where unreachable.</summary>
    public static string Sparkline(IReadOnlyList<double?> values, int width = 48)
    {
        const string Blocks = "▁▂▃▄▅▆▇█";
        var present = values.Where(v => v is not null).Select(v => v!.Value).ToList();
        if (present.Count == 0)
        {
            return new string('·', Math.Min(width, values.Count));
        }

        double lo = present.Min(), hi = present.Max();
        var text = new StringBuilder();
        var per = Math.Max(1, (int)Math.Ceiling(values.Count / (double)width));
        for (var i = 0; i < values.Count; i += per)
        {
            var bucket = values.Skip(i).Take(per).ToList();
            if (bucket.Any(v => v is null))
            {
                text.Append('·');
                continue;
            }

            var mean = bucket.Average(v => v!.Value);
            var level = hi > lo ? (int)Math.Round((mean - lo) / (hi - lo) * (Blocks.Length - 1)) : 0;
            text.Append(Blocks[level]);
        }

        return text.ToString();
    }
}
