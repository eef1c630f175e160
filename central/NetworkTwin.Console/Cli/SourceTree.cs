namespace NetworkTwin.Console.Cli;

/// <summary>The repository this CLI was built from, when it runs from a build tree (not an install).</summary>
internal static class SourceTree
{
    /// <summary>The folder holding NetworkTwin.sln above the CLI's own folder, or null.</summary>
    public static string? Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NetworkTwin.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
