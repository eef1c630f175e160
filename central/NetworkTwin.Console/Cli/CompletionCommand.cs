using System.CommandLine;

namespace NetworkTwin.Console.Cli;

/// <summary>
/// <c>networktwin completion bash|zsh|pwsh</c>: a script that makes the shell complete commands, options and values
/// by asking networktwin itself (System.CommandLine's <c>[suggest:POSITION]</c> directive), so it never goes stale.
/// </summary>
public static class CompletionCommand
{
    public static Command Create(Spectre.Console.IAnsiConsole console)
    {
        var shell = new Argument<string>("shell") { Description = "bash, zsh or pwsh." };
        shell.AcceptOnlyFromAmong("bash", "zsh", "pwsh");
        var command = new Command("completion", "Print the shell completion script: bash: source <(networktwin completion bash) or save it as /etc/bash_completion.d/networktwin; zsh: source <(networktwin completion zsh); pwsh: networktwin completion pwsh | Out-String | Invoke-Expression.") { shell };
        command.SetAction(parse =>
        {
            console.Profile.Out.Writer.Write(Script(parse.GetRequiredValue(shell)));
            return CliApp.ExitOk;
        });
        return command;
    }

    /// <summary>The script for one shell.</summary>
    public static string Script(string shell) => shell switch
    {
        "bash" => """
            # networktwin completion for bash (networktwin completion bash)
            _networktwin_complete() {
                local IFS=$'\n'
                COMPREPLY=($(networktwin "[suggest:${COMP_POINT}]" "${COMP_LINE}" 2>/dev/null))
            }
            complete -o default -F _networktwin_complete networktwin

            """,
        "zsh" => """
            # networktwin completion for zsh (networktwin completion zsh)
            _networktwin_complete() {
                local -a candidates
                candidates=("${(@f)$(networktwin "[suggest:${CURSOR}]" "${BUFFER}" 2>/dev/null)}")
                compadd -- "${candidates[@]}"
            }
            compdef _networktwin_complete networktwin

            """,
        "pwsh" => """
            # networktwin completion for PowerShell (networktwin completion pwsh)
            Register-ArgumentCompleter -Native -CommandName networktwin -ScriptBlock {
                param($wordToComplete, $commandAst, $cursorPosition)
                networktwin "[suggest:$cursorPosition]" "$commandAst" 2>$null | ForEach-Object {
                    [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
                }
            }

            """,
        _ => throw new CliUsageException($"completion is for bash, zsh or pwsh (got {shell})."),
    };
}
