namespace NetworkTwin.Central.Dashboard;

/// <summary>The dashboard's pages (index.html and design.html, and the script both use, common.js; embedded): plain HTML, SVG and script, no build step, no third-party code.</summary>
internal static class DashboardPage
{
    public static string Html { get; } = Load("dashboard.html");

    /// <summary>The design twin's page (design.html): the shared design history and what it teaches.</summary>
    public static string DesignHtml { get; } = Load("design.html");

    /// <summary>The helpers both pages draw with (common.js).</summary>
    public static string Script { get; } = Load("common.js");

    private static string Load(string name)
    {
        using var stream = typeof(DashboardPage).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"the dashboard page {name} is missing from the coordinator's build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
