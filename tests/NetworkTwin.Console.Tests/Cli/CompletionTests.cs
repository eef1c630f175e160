using System.Diagnostics;

namespace NetworkTwin.Console.Tests.Cli;

/// <summary>The bash completion script, sourced into a real bash that completes a line as it would at a prompt.</summary>
public sealed class CompletionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nt-completion-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("networktwin ag", "agent\nagents\n")]
    [InlineData("networktwin agents -o ", "json\ntable\nyaml\n")]
    [InlineData("networktwin agents --coo", "--coordinator\n")]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Bash_CompletesCommandsOptionsAndValues(string line, string expected)
    {
        // networktwin on PATH, as the package puts it.
        var wrapper = Path.Combine(_dir, "networktwin");
        await File.WriteAllTextAsync(wrapper, $"#!/bin/sh\nexec dotnet '{Path.Combine(AppContext.BaseDirectory, "networktwin.dll")}' \"$@\"\n");
        File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var script = $"source <(networktwin completion bash)\nCOMP_LINE='{line}'\nCOMP_POINT=${{#COMP_LINE}}\n_networktwin_complete\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n";
        var info = new ProcessStartInfo("bash", ["-c", script]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.Environment["PATH"] = _dir + ":" + Environment.GetEnvironmentVariable("PATH");
        using var bash = Process.Start(info)!;
        var output = await bash.StandardOutput.ReadToEndAsync();
        var error = await bash.StandardError.ReadToEndAsync();
        await bash.WaitForExitAsync();

        Assert.True(bash.ExitCode == 0, error);
        Assert.Equal(expected, output);
    }

    [Theory]
    [InlineData("zsh", "compdef _networktwin_complete networktwin")]
    [InlineData("pwsh", "Register-ArgumentCompleter -Native -CommandName networktwin")]
    public async Task OtherShells_GetTheirScript(string shell, string expected)
    {
        var (exit, output) = await CliRunner.RunAsync("completion", shell);

        Assert.Equal(0, exit);
        Assert.Contains(expected, output, StringComparison.Ordinal);
        Assert.Contains("[suggest:", output, StringComparison.Ordinal);
    }
}
