using System.Diagnostics;

namespace NetworkTwin.Testing;

/// <summary>Debian's <c>promtool check metrics</c> on a scraped page: every complaint, as Prometheus's own linter words it.</summary>
public static class Promtool
{
    /// <summary>
    /// Names from OpenTelemetry's semantic conventions for the .NET runtime and the process (System.Runtime and the
    /// process instrumentation), which Prometheus's linter dislikes for their <c>_count</c> suffix on gauges. They are
    /// the instrumentation libraries' names, not the product's; any other complaint counts.
    /// </summary>
    public static readonly IReadOnlySet<string> ThirdPartyNames = new HashSet<string>(StringComparer.Ordinal)
    {
        "dotnet_assembly_count",
        "dotnet_process_cpu_count",
        "dotnet_timer_count",
        "process_thread_count",
        "process_unix_file_descriptor_count",
    };

    /// <summary>The linter's complaints about <paramref name="page"/>, less those about <see cref="ThirdPartyNames"/>.</summary>
    public static async Task<IReadOnlyList<string>> CheckMetricsAsync(string page, CancellationToken cancellationToken = default)
    {
        var executable = File.Exists("/usr/bin/promtool") ? "/usr/bin/promtool" : "promtool";
        var info = new ProcessStartInfo(executable, ["check", "metrics"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start promtool (Debian: apt-get install prometheus)");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.StandardInput.WriteAsync(page.AsMemory(), cancellationToken).ConfigureAwait(false);
        process.StandardInput.Close();
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        var lines = ((await output.ConfigureAwait(false)) + (await error.ConfigureAwait(false)))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return [.. lines.Where(l => !ThirdPartyNames.Contains(l.Split(' ')[0]))];
    }
}
