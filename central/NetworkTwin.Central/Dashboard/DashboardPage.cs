namespace NetworkTwin.Central.Dashboard;

/// <summary>The dashboard page (index.html, embedded): plain HTML, SVG and script, no build step, no third-party code.</summary>
internal static class DashboardPage
{
    public static string Html { get; } = Load();

    private static string Load()
    {
        using var stream = typeof(DashboardPage).Assembly.GetManifestResourceStream("dashboard.html")
            ?? throw new InvalidOperationException("the dashboard page is missing from the coordinator's build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
