using NetworkTwin.Analytics.Leo;

namespace NetworkTwin.Analytics.Tests.Leo;

public sealed class WalkerConstellationTests
{
    private static readonly GroundStation[] Stations = [new("london", 51.5, -0.1), new("new-york", 40.7, -74.0), new("sydney", -33.9, 151.2)];

    [Fact]
    public void Satellites_stay_on_their_orbit_with_keplers_period()
    {
        var c = new WalkerConstellation(new WalkerSpec());
        Assert.InRange(c.PeriodSeconds / 60, 100.2, 100.6);   // Iridium at 780 km: about 100.4 minutes
        foreach (var t in new[] { 0.0, 1234.5, c.PeriodSeconds })
        {
            var (x, y, z) = c.Satellite(3, 7, t);
            Assert.Equal(c.OrbitRadiusKm, Math.Sqrt((x * x) + (y * y) + (z * z)), 6);
        }

        var start = c.Satellite(2, 5, 0);
        var after = c.Satellite(2, 5, c.PeriodSeconds);
        Assert.True(WalkerConstellation.DistanceKm(start, after) < 1e-6, "a satellite returns after one period");
    }

    [Fact]
    public void A_star_constellation_has_a_ring_per_plane_and_a_seam_between_its_first_and_last_plane()
    {
        var spec = new WalkerSpec { MaxInterPlaneLatitudeDeg = 90 };
        var snapshot = new WalkerConstellation(spec).Snapshot(0, Stations);
        Assert.Equal(spec.Satellites + Stations.Length, snapshot.NodeCount);
        Assert.Equal(spec.Satellites, snapshot.Links.Count(l => l.Type == "isl-intra"));
        Assert.Equal((spec.Planes - 1) * spec.PerPlane, snapshot.Links.Count(l => l.Type == "isl-inter"));
        Assert.Empty(snapshot.Validate());

        // Near the poles the inter-plane links switch off.
        var limited = new WalkerConstellation(new WalkerSpec { MaxInterPlaneLatitudeDeg = 60 }).Snapshot(0, Stations);
        Assert.True(limited.Links.Count(l => l.Type == "isl-inter") < (spec.Planes - 1) * spec.PerPlane);
        Assert.All(limited.Links.Where(l => l.Type == "isl-inter"), l =>
            Assert.True(Math.Abs(limited.Nodes[l.A].Latitude!.Value) <= 60 && Math.Abs(limited.Nodes[l.B].Latitude!.Value) <= 60));
    }

    [Fact]
    public void A_delta_constellation_wraps_its_last_plane_to_the_first_with_the_phasing()
    {
        var spec = new WalkerSpec { Planes = 6, PerPlane = 10, Phasing = 1, InclinationDeg = 53, AltitudeKm = 550, Pattern = WalkerPattern.Delta, MaxInterPlaneLatitudeDeg = 90 };
        var snapshot = new WalkerConstellation(spec).Snapshot(600, []);
        var inter = snapshot.Links.Where(l => l.Type == "isl-inter").Select(l => l.LengthKm!.Value).Order().ToList();
        Assert.Equal(spec.Satellites, inter.Count);

        // With the phasing applied at the wrap every inter-plane neighbour is as near as the others; without it
        // the last plane's links would reach satellites a tenth of an orbit away.
        Assert.True(inter[^1] < 1.3 * inter[inter.Count / 2], $"longest inter-plane link {inter[^1]:0} km, median {inter[inter.Count / 2]:0} km");
    }

    [Fact]
    public void A_station_under_a_satellite_sees_it_overhead_and_one_across_the_earth_does_not()
    {
        var c = new WalkerConstellation(new WalkerSpec());
        var sat = c.Satellite(0, 0, 0);
        var lat = Math.Asin(sat.Z / c.OrbitRadiusKm) * 180 / Math.PI;
        var lon = Math.Atan2(sat.Y, sat.X) * 180 / Math.PI;
        var below = WalkerConstellation.Station(new GroundStation("below", lat, lon), 0);
        var opposite = WalkerConstellation.Station(new GroundStation("opposite", -lat, lon + 180), 0);

        Assert.InRange(WalkerConstellation.ElevationDeg(below, sat), 89.9, 90);
        Assert.True(WalkerConstellation.ElevationDeg(opposite, sat) < 0);
    }

    [Fact]
    public void Over_an_orbit_ground_links_come_and_go_and_no_path_beats_light_along_the_great_circle()
    {
        var report = LeoTimeline.Run(new WalkerSpec(), Stations, durationSeconds: 6000, stepSeconds: 120);
        Assert.Equal(51, report.Times.Count);
        Assert.All(report.VisibleSatellites.Values, counts => Assert.True(counts.Distinct().Count() > 1, "coverage changes as the satellites move"));
        foreach (var pair in report.Pairs)
        {
            Assert.All(pair.LatencyMs.Where(l => l is not null), l => Assert.True(l!.Value >= pair.GreatCircleMs, $"{pair.From}-{pair.To}: {l} ms below {pair.GreatCircleMs} ms"));
            Assert.True(pair.Outage < 0.2, $"{pair.From}-{pair.To} unreachable {pair.Outage:P0} of the time");
            Assert.True(pair.Max > pair.Min, "latency varies with orbital motion");
        }
    }
}
