using System.Diagnostics;

namespace NetworkTwin.Testing;

/// <summary>Runs one of the product's command-line programs as its own process, as a user or a script would, and captures what it prints.</summary>
public static class ToolProcess
{
    /// <param name="assembly">The program's .dll beside the test binaries, such as networktwin.dll.</param>
    /// <param name="environment">Variables to set (a null value removes one) for the child only.</param>
    /// <param name="args">The command line.</param>
    public static async Task<(int Exit, string Output)> RunAsync(string assembly, IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, assembly), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                info.Environment.Remove(name);
            }
            else
            {
                info.Environment[name] = value;
            }
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start dotnet {assembly}");

        // Both streams at once: a program that fills one pipe while the other is read would hang.
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().ConfigureAwait(false);
        return (process.ExitCode, await output.ConfigureAwait(false) + await error.ConfigureAwait(false));
    }
}
