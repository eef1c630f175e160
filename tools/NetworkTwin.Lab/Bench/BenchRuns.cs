using System.Globalization;
using System.Numerics;
using NetworkTwin.Console.Cli;

namespace NetworkTwin.Lab.Bench;

/// <summary>What the benchmarks share around their timed runs and their options.</summary>
internal static class BenchRuns
{
    /// <summary>
    /// Collects the run before's garbage outside the clock (as BenchmarkDotNet does by default), so a run neither pays for
    /// it nor lands on new memory because it is still held.
    /// </summary>
    public static void CollectBeforeTimedRun()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
    }

    /// <summary><paramref name="value"/> of <paramref name="option"/> when within [min, max]; otherwise a usage error that names the option, not a run of some other size.</summary>
    public static T InRange<T>(T value, T min, T max, string option)
        where T : struct, INumber<T> =>
        value >= min && value <= max
            ? value
            : throw new CliUsageException(string.Create(CultureInfo.InvariantCulture, $"{option} must be {min}..{max} (got {value})."));
}
