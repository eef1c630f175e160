using System.Diagnostics;
using System.Text.Json;
using NetworkTwin.Console.Cli;
using NetworkTwin.Testing;
using Spectre.Console;

namespace NetworkTwin.Lab.Bench;

/// <summary>
/// A Node.js reference the benchmarks measure against (grpc-js, onnxruntime-node): a script in
/// <c>tools/NetworkTwin.Lab/Bench/&lt;folder&gt;</c> that prints one JSON document. Null, with
/// a line saying why, when its npm packages are not installed or it fails.
/// </summary>
internal static class NodeReference
{
    public static async Task<JsonDocument?> RunAsync(IAnsiConsole console, string label, string folderName, string package, string install, string script, IEnumerable<string> arguments, CancellationToken ct)
    {
        var folder = Folder(folderName);
        if (folder is null || !Directory.Exists(Path.Combine(folder, "node_modules", package)))
        {
            console.MarkupLine($"[yellow]{Markup.Escape(label)} skipped:[/] run {Markup.Escape(install)} --prefix tools/NetworkTwin.Lab/Bench/{Markup.Escape(folderName)} (./build.sh bench does).");
            return null;
        }

        var info = new ProcessStartInfo("node", [Path.Combine(folder, script), .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = folder,
        };
        using var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start node");

        // Both streams at once: a script that fills one pipe while the other is read would hang.
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        await Task.WhenAll(output, error).ConfigureAwait(false);
        await process.WaitForExitAsync(ct).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            console.MarkupLine($"[yellow]{Markup.Escape(label)} failed:[/] {Markup.Escape((await error.ConfigureAwait(false)).Trim())}");
            return null;
        }

        return JsonDocument.Parse(await output.ConfigureAwait(false));
    }

    /// <summary>The folder of a reference under the source tree, or null outside it.</summary>
    public static string? Folder(string folderName) =>
        SourceTree.Root() is { } root ? Path.Combine(root, "tools", "NetworkTwin.Lab", "Bench", folderName) : null;
}
