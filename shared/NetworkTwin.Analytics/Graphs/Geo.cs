namespace NetworkTwin.Analytics.Graphs;

/// <summary>Great-circle distances and fibre latency.</summary>
public static class Geo
{
    /// <summary>Light in fibre: ~5 microseconds per km.</summary>
    public const double FibreMsPerKm = 0.005;

    /// <summary>Haversine distance in km (Earth radius 6371 km); null when either point has no coordinates.</summary>
    public static double? DistanceKm(NetworkNode a, NetworkNode b) =>
        a.Latitude is { } lat1 && a.Longitude is { } lon1 && b.Latitude is { } lat2 && b.Longitude is { } lon2
            ? DistanceKm(lat1, lon1, lat2, lon2)
            : null;

    public static double DistanceKm(double lat1, double lon1, double lat2, double lon2)
    {
        static double Rad(double d) => d * Math.PI / 180;
        var dLat = Rad(lat2 - lat1);
        var dLon = Rad(lon2 - lon1);
        var h = (Math.Sin(dLat / 2) * Math.Sin(dLat / 2)) + (Math.Cos(Rad(lat1)) * Math.Cos(Rad(lat2)) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2));
        return 2 * 6371 * Math.Asin(Math.Min(1, Math.Sqrt(h)));
    }
}
