namespace NetworkTwin.Testing;

/// <summary>The repository a tool or test was built from, when it runs from a build tree (not an install).</summary>
public static class SourceTree
{
    /// <summary>The folder holding NetworkTwin.sln above the running program's folder, or null.</summary>
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
