namespace NetworkTwin.Testing.Launchers;

/// <summary>Where the launchers look for the programs they start (mosquitto, haproxy, qemu-aarch64).</summary>
internal static class Executables
{
    /// <summary><paramref name="name"/> in each directory of PATH, in PATH's order; the callers keep the first that exists.</summary>
    public static IEnumerable<string> OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator).Select(d => Path.Combine(d, name));
}
