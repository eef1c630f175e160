using System.Globalization;

namespace NetworkTwin.Lab.Bench;

/// <summary>CPU time and memory (PSS) of processes, from Linux /proc: by process id, or all processes of one name.</summary>
internal static class ProcessUsage
{
    /// <summary>Clock ticks per second of /proc's times (USER_HZ, 100 on Linux).</summary>
    private const double TicksPerSecond = 100;

    /// <summary>CPU seconds (user and system) and proportional resident bytes (PSS) of the processes (0, 0 for those gone).</summary>
    public static (double CpuSeconds, long RssBytes) Of(IEnumerable<int> pids)
    {
        double cpu = 0;
        long rss = 0;
        foreach (var pid in pids)
        {
            try
            {
                // utime and stime are the 12th and 13th fields from state on.
                var fields = StatFields($"/proc/{pid}/stat");
                cpu += (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
                // Proportional set size: memory shared between processes (PostgreSQL's shared buffers) counted once overall.
                var pss = File.ReadLines($"/proc/{pid}/smaps_rollup").FirstOrDefault(l => l.StartsWith("Pss:", StringComparison.Ordinal));
                rss += pss is null ? 0 : long.Parse(pss.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
            {
                // Gone between listing and reading.
            }
        }

        return (cpu, rss);
    }

    /// <summary>
    /// Minor page faults of this process so far (the first touch of each page of new memory), or null off Linux: minflt,
    /// the 8th field from state on.
    /// </summary>
    public static long? MinorFaults()
    {
        try
        {
            return long.Parse(StatFields("/proc/self/stat")[7], CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>The fields of a /proc stat file after the command name (which may hold spaces and parentheses), from state on.</summary>
    private static string[] StatFields(string path)
    {
        var stat = File.ReadAllText(path);
        return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    }

    /// <summary>The ids of the running processes whose command name is <paramref name="name"/> (as /proc/PID/comm has it).</summary>
    public static IReadOnlyList<int> Named(string name)
    {
        var pids = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                try
                {
                    if (File.ReadAllText(Path.Combine(dir, "comm")).Trim() == name)
                    {
                        pids.Add(pid);
                    }
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                }
            }
        }

        return pids;
    }
}
