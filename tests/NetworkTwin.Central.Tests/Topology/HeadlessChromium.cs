using System.Diagnostics;

namespace NetworkTwin.Central.Tests.Topology;

/// <summary>Debian's chromium, headless: the page's DOM after its scripts ran, and a screenshot.</summary>
internal static class HeadlessChromium
{
    private static readonly string[] Flags = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars", "--virtual-time-budget=6000"];

    private static async Task<string> RunAsync(params string[] args)
    {
        var info = new ProcessStartInfo("chromium") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in Flags.Concat(args))
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("chromium did not start (Debian package chromium)");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"chromium exited {process.ExitCode}: {await errors}");
        return await output;
    }

    public static Task<string> DomAsync(Uri page) => RunAsync("--dump-dom", page.ToString());

    public static Task ScreenshotAsync(Uri page, string file, int height = 1100) => RunAsync($"--window-size=1400,{height}", $"--screenshot={file}", page.ToString());
}
