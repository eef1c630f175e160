using NetworkTwin.Analytics.Graphs;

namespace NetworkTwin.Analytics.Leo;

/// <summary>Walker delta spreads the planes over 360 degrees of ascending node; star over 180 (polar constellations, with a seam).</summary>
public enum WalkerPattern
{
    Delta,
    Star,
}

/// <summary>
/// A Walker constellation i:T/P/F with its links: <see cref="Planes"/> circular orbits of
/// <see cref="PerPlane"/> satellites at <see cref="AltitudeKm"/> and <see cref="InclinationDeg"/>,
/// adjacent planes offset in phase by F x 360/T degrees. The defaults are Iridium's (86.4:66/6/2, 780 km, star).
/// </summary>
public sealed record WalkerSpec
{
    public int Planes { get; init; } = 6;

    public int PerPlane { get; init; } = 11;

    public int Phasing { get; init; } = 2;

    public double InclinationDeg { get; init; } = 86.4;

    public double AltitudeKm { get; init; } = 780;

    public WalkerPattern Pattern { get; init; } = WalkerPattern.Star;

    /// <summary>A ground station uses a satellite at least this high above its horizon.</summary>
    public double MinElevationDeg { get; init; } = 10;

    /// <summary>Links between planes are switched off above this latitude (the planes cross and the antennas cannot track).</summary>
    public double MaxInterPlaneLatitudeDeg { get; init; } = 68;

    public double IslGbps { get; init; } = 10;

    public double GroundGbps { get; init; } = 5;

    public int Satellites => Planes * PerPlane;

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Planes is < 1 or > 200 || PerPlane is < 2 or > 200)
        {
            errors.Add($"--planes must be 1..200 and --per-plane 2..200 (got {Planes} and {PerPlane})");
        }

        if (Phasing < 0 || Phasing >= Math.Max(1, Planes))
        {
            errors.Add($"--phasing must be 0..planes-1 (got {Phasing})");
        }

        if (InclinationDeg is < 0 or > 180)
        {
            errors.Add($"--inclination must be 0..180 degrees (got {InclinationDeg})");
        }

        if (AltitudeKm is < 160 or > 40_000)
        {
            errors.Add($"--altitude must be 160..40000 km (got {AltitudeKm})");
        }

        if (MinElevationDeg is < 0 or >= 90)
        {
            errors.Add($"--min-elevation must be 0..90 degrees (got {MinElevationDeg})");
        }

        return errors;
    }
}

/// <summary>A ground station (a gateway or a user terminal site), latitude and longitude in degrees.</summary>
public sealed record GroundStation(string Id, double LatitudeDeg, double LongitudeDeg);

/// <summary>
/// Positions and links of a Walker constellation at any time: satellites move on their orbits and
/// the Earth turns under them, so ground links appear and disappear, and inter-plane links switch
/// off near the poles. Each snapshot is an ordinary <see cref="Network"/> (satellites first, then the
/// stations) with link lengths in km, so the routing and failure tools apply to it unchanged.
/// </summary>
public sealed class WalkerConstellation(WalkerSpec spec)
{
    public const double EarthRadiusKm = 6371.0;
    public const double EarthMu = 398_600.4418;               // km^3/s^2
    public const double EarthRotationRadPerSecond = 7.2921159e-5;
    public const double LightKmPerMs = 299.792458;

    public WalkerSpec Spec { get; } = spec;

    public double OrbitRadiusKm => EarthRadiusKm + Spec.AltitudeKm;

    /// <summary>Orbital period in seconds.</summary>
    public double PeriodSeconds => 2 * Math.PI * Math.Sqrt(Math.Pow(OrbitRadiusKm, 3) / EarthMu);

    /// <summary>Satellite (plane, index) position in Earth-centred inertial km at <paramref name="t"/> seconds.</summary>
    public (double X, double Y, double Z) Satellite(int plane, int index, double t)
    {
        var spread = Spec.Pattern == WalkerPattern.Delta ? 2 * Math.PI : Math.PI;
        var raan = spread * plane / Spec.Planes;
        var n = 2 * Math.PI / PeriodSeconds;
        var u = (2 * Math.PI * index / Spec.PerPlane) + (2 * Math.PI * Spec.Phasing * plane / Spec.Satellites) + (n * t);
        var i = Spec.InclinationDeg * Math.PI / 180;
        var r = OrbitRadiusKm;
        return (
            r * ((Math.Cos(raan) * Math.Cos(u)) - (Math.Sin(raan) * Math.Sin(u) * Math.Cos(i))),
            r * ((Math.Sin(raan) * Math.Cos(u)) + (Math.Cos(raan) * Math.Sin(u) * Math.Cos(i))),
            r * Math.Sin(u) * Math.Sin(i));
    }

    /// <summary>A station's position in the same frame: the Earth has turned by ω t since t = 0.</summary>
    public static (double X, double Y, double Z) Station(GroundStation g, double t)
    {
        var lat = g.LatitudeDeg * Math.PI / 180;
        var lon = (g.LongitudeDeg * Math.PI / 180) + (EarthRotationRadPerSecond * t);
        return (EarthRadiusKm * Math.Cos(lat) * Math.Cos(lon), EarthRadiusKm * Math.Cos(lat) * Math.Sin(lon), EarthRadiusKm * Math.Sin(lat));
    }

    /// <summary>Elevation of a satellite above a station's horizon, in degrees.</summary>
    public static double ElevationDeg((double X, double Y, double Z) station, (double X, double Y, double Z) satellite)
    {
        var (dx, dy, dz) = (satellite.X - station.X, satellite.Y - station.Y, satellite.Z - station.Z);
        var d = Math.Sqrt((dx * dx) + (dy * dy) + (dz * dz));
        var g = Math.Sqrt((station.X * station.X) + (station.Y * station.Y) + (station.Z * station.Z));
        var sin = ((dx * station.X) + (dy * station.Y) + (dz * station.Z)) / (d * g);
        return Math.Asin(Math.Clamp(sin, -1, 1)) * 180 / Math.PI;
    }

    public static double DistanceKm((double X, double Y, double Z) a, (double X, double Y, double Z) b) =>
        Math.Sqrt(((a.X - b.X) * (a.X - b.X)) + ((a.Y - b.Y) * (a.Y - b.Y)) + ((a.Z - b.Z) * (a.Z - b.Z)));

    public static string SatelliteId(int plane, int index) => $"sat-{plane + 1}-{index + 1}";

    /// <summary>
    /// The constellation at <paramref name="t"/> seconds: intra-plane links (a ring per plane), inter-plane
    /// links to the same slot of the next plane (the delta pattern wraps from the last plane to the first,
    /// shifted by the phasing; the star pattern has a seam there), off where either end is above the
    /// latitude limit, and ground links to every satellite above each station's minimum elevation.
    /// </summary>
    public Network Snapshot(double t, IReadOnlyList<GroundStation> stations)
    {
        var s = Spec;
        var positions = new (double X, double Y, double Z)[s.Satellites];
        var nodes = new List<NetworkNode>(s.Satellites + stations.Count);
        for (var p = 0; p < s.Planes; p++)
        {
            for (var k = 0; k < s.PerPlane; k++)
            {
                var pos = positions[Index(p, k)] = Satellite(p, k, t);
                var lat = Math.Asin(pos.Z / OrbitRadiusKm) * 180 / Math.PI;
                nodes.Add(new NetworkNode(SatelliteId(p, k), SatelliteId(p, k), lat, null, "satellite"));
            }
        }

        var links = new List<NetworkLink>();
        var limit = s.MaxInterPlaneLatitudeDeg;
        for (var p = 0; p < s.Planes; p++)
        {
            for (var k = 0; k < s.PerPlane; k++)
            {
                var a = Index(p, k);
                var b = Index(p, (k + 1) % s.PerPlane);
                links.Add(new NetworkLink(a, b, s.IslGbps, null, DistanceKm(positions[a], positions[b]), "isl-intra"));

                var (nextPlane, nextIndex) = p + 1 < s.Planes ? (p + 1, k) : (0, (k + s.Phasing) % s.PerPlane);
                if ((p + 1 == s.Planes && s.Pattern == WalkerPattern.Star) || s.Planes == 1)
                {
                    continue;
                }

                var c = Index(nextPlane, nextIndex);
                if (Math.Abs(nodes[a].Latitude!.Value) <= limit && Math.Abs(nodes[c].Latitude!.Value) <= limit)
                {
                    links.Add(new NetworkLink(a, c, s.IslGbps, null, DistanceKm(positions[a], positions[c]), "isl-inter"));
                }
            }
        }

        for (var g = 0; g < stations.Count; g++)
        {
            var station = stations[g];
            nodes.Add(new NetworkNode(station.Id, station.Id, station.LatitudeDeg, station.LongitudeDeg, "ground"));
            var at = Station(station, t);
            for (var i = 0; i < positions.Length; i++)
            {
                if (ElevationDeg(at, positions[i]) >= s.MinElevationDeg)
                {
                    links.Add(new NetworkLink(s.Satellites + g, i, s.GroundGbps, null, DistanceKm(at, positions[i]), "ground"));
                }
            }
        }

        return new Network($"walker {s.InclinationDeg}:{s.Satellites}/{s.Planes}/{s.Phasing} at t={t:0}s", nodes, links, []);
    }

    private int Index(int plane, int index) => (plane * Spec.PerPlane) + index;
}
