using System.Diagnostics;

namespace NetworkTwin.Hosting.Tests.Systemd;

/// <summary>The shipped systemd units, checked by systemd itself (<c>systemd-analyze verify</c>) and for the hardening operators expect.</summary>
public sealed class UnitFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nt-units-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string> Units => new() { "networktwin-agent.service", "networktwin-central.service" };

    private static string Packaging()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "NetworkTwin.sln")))
        {
            dir = dir.Parent;
        }

        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("the source tree is not above the test binaries"), "packaging", "systemd");
    }

    [Theory]
    [MemberData(nameof(Units))]
    public async Task Unit_PassesSystemdAnalyzeVerify_WithoutAWarning(string unit)
    {
        // The binary is not installed here: point ExecStart at one that exists, keep everything else.
        var text = await File.ReadAllTextAsync(Path.Combine(Packaging(), unit));
        var copy = Path.Combine(_dir, unit);
        await File.WriteAllTextAsync(copy, string.Join('\n', text.Split('\n').Select(l => l.StartsWith("ExecStart=", StringComparison.Ordinal) ? "ExecStart=/bin/true" : l)));
        var info = new ProcessStartInfo("systemd-analyze", ["verify", copy]) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var process = Process.Start(info)!;
        var errors = await process.StandardError.ReadToEndAsync();
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, $"systemd-analyze verify {unit} exited {process.ExitCode}: {errors}{output}");
        Assert.Equal(string.Empty, errors.Trim());
    }

    [Theory]
    [MemberData(nameof(Units))]
    public async Task Unit_IsANotifyServiceWithWatchdog_HardenedAndUnprivileged(string unit)
    {
        var lines = (await File.ReadAllLinesAsync(Path.Combine(Packaging(), unit))).Select(l => l.Trim()).ToHashSet();

        Assert.Contains("Type=notify", lines);
        Assert.Contains("WatchdogSec=30", lines);
        Assert.Contains("Restart=on-failure", lines);
        Assert.Contains("User=networktwin", lines);
        Assert.Contains("ProtectSystem=strict", lines);
        Assert.Contains("NoNewPrivileges=yes", lines);
        Assert.Contains("CapabilityBoundingSet=", lines);
        Assert.Contains(lines, l => l.StartsWith("StateDirectory=networktwin/", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("LogsDirectory=networktwin/", StringComparison.Ordinal));
    }
}
