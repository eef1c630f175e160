using static System.FormattableString;

namespace NetworkTwin.Learning.Series;

/// <summary>A span of a series for people: "5 min", "1 h", "9.5 h", "7 d".</summary>
public static class Durations
{
    public static string Text(double seconds) => seconds switch
    {
        >= 86400 => Invariant($"{seconds / 86400:0.#} d"),
        >= 3600 => Invariant($"{seconds / 3600:0.#} h"),
        >= 60 => Invariant($"{seconds / 60:0.#} min"),
        _ => Invariant($"{seconds:0.#} s"),
    };
}
