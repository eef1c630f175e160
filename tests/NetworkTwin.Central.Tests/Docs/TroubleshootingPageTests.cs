using System.Text.RegularExpressions;
using NetworkTwin.Testing;
using Xunit;

namespace NetworkTwin.Central.Tests.Docs;

/// <summary>docs/troubleshooting.md quotes the services' log messages; each quote must still be one of them.</summary>
public partial class TroubleshootingPageTests
{
    private static readonly string[] SourceFolders = ["agent", "central", "shared"];

    [Fact]
    public void EveryQuotedLogMessage_IsAMessageTheServicesLog()
    {
        var root = SourceTree.Root()!;
        var templates = SourceFolders
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(root, folder), "*.cs", SearchOption.AllDirectories))
            .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(file => LoggerMessage().Matches(File.ReadAllText(file)).Select(m => Regex.Unescape(m.Groups["message"].Value)))
            .ToHashSet(StringComparer.Ordinal);
        var quoted = Quote().Matches(File.ReadAllText(Path.Combine(root, "docs", "troubleshooting.md"))).Select(m => m.Groups["message"].Value).ToList();

        Assert.True(templates.Count > 40, $"found only {templates.Count} log messages in the source");
        Assert.True(quoted.Count >= 20, $"the page quotes only {quoted.Count} messages");
        var missing = quoted.Where(q => !templates.Contains(q)).ToList();
        Assert.True(missing.Count == 0, "quoted on the page but logged nowhere:" + Environment.NewLine + string.Join(Environment.NewLine, missing));
    }

    /// <summary>The message of a [LoggerMessage(...)] attribute: its last string literal, positional or Message = "...".</summary>
    [GeneratedRegex(@"\[LoggerMessage\([^\]]*?""(?<message>(?:[^""\\]|\\.)*)""\s*\)\]", RegexOptions.Singleline)]
    private static partial Regex LoggerMessage();

    /// <summary>A quoted message on the page: a block quote holding one code span.</summary>
    [GeneratedRegex(@"^> `(?<message>[^`]+)`\s*$", RegexOptions.Multiline)]
    private static partial Regex Quote();
}
