using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace NetworkTwin.Hosting;

/// <summary>Runs a service host and turns how it ended into the process exit code a service manager acts on.</summary>
public static class ServiceExit
{
    /// <summary>A worker failed (sysexits EX_SOFTWARE): systemd's Restart=on-failure and the Windows SCM's recovery act on it.</summary>
    public const int WorkerFailed = 70;

    /// <summary>The configuration has problems; nothing was started.</summary>
    public const int ConfigurationInvalid = 2;

    /// <summary>The switch that checks the configuration and exits without starting anything.</summary>
    public const string ValidateConfigSwitch = "--validate-config";

    private const string VersionSwitch = "--version";

    private static readonly string[] HelpSwitches = ["--help", "-h", "-?"];

    /// <summary>Every switch the services take; anything else on a command line is a setting or a mistake.</summary>
    private static readonly string[] Switches = [ValidateConfigSwitch, VersionSwitch, .. HelpSwitches];

    /// <summary>
    /// Answers <c>--help</c> (<c>-h</c>, <c>-?</c>) and <c>--version</c> without building the host, so that asking a
    /// service what it is never starts it or writes its state. Null when the arguments ask for neither.
    /// </summary>
    /// <param name="service">The executable's name, such as networktwin-agent.</param>
    /// <param name="what">One line on what the service does.</param>
    /// <param name="args">The command line.</param>
    /// <param name="output">Where to write (the console's standard output).</param>
    public static int? AnswerInformationSwitches(string service, string what, IReadOnlyCollection<string> args, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        var version = ProductVersion.Text;
        if (args.Contains(VersionSwitch))
        {
            output.WriteLine(version);
            return 0;
        }

        if (!args.Any(HelpSwitches.Contains))
        {
            return null;
        }

        var name = service.Replace("networktwin-", string.Empty, StringComparison.Ordinal);
        output.WriteLine($"{service} {version}: {what}");
        output.WriteLine();
        output.WriteLine($"Usage: {service} [{ValidateConfigSwitch}] [--Section:Key=value ...]");
        output.WriteLine($"  {ValidateConfigSwitch}   check the configuration, print every problem with its key, and exit; nothing is started");
        output.WriteLine("  --version           print the version and exit");
        output.WriteLine("  --help, -h          print this and exit");
        output.WriteLine();
        output.WriteLine("Configuration, lowest first: appsettings.json beside the binary; the site file");
        output.WriteLine($"  {ServiceConfiguration.SiteFile(name)} (NETWORKTWIN_CONFIG_FILE names another); {ServiceConfiguration.EnvironmentPrefix}* environment");
        output.WriteLine($"  variables ({ServiceConfiguration.EnvironmentPrefix}Section__Key=value); command-line switches (--Section:Key=value).");
        output.WriteLine($"Exit codes: 0 stopped cleanly, {ConfigurationInvalid} the configuration is invalid, {WorkerFailed} a worker failed (the service manager restarts it).");
        return 0;
    }

    /// <summary>
    /// Refuses a command line the configuration's command-line provider would misread: a mistyped switch such as
    /// <c>--valdate-config</c> would otherwise be taken as a key whose value is the next argument (swallowing a real
    /// setting) or be ignored, and the service would start as if nothing were wrong. Settings are always
    /// <c>--Section:Key=value</c> (or <c>--Section:Key value</c>, <c>/Section:Key=value</c>, <c>Section:Key=value</c>, the
    /// provider's other spellings); anything else is reported with its position. Null when
    /// the command line is fine, else the exit code after the problems are written to <paramref name="error"/>.
    /// </summary>
    public static int? RefuseUnknownArguments(string service, IReadOnlyList<string> args, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(error);
        var problems = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (Switches.Contains(arg, StringComparer.Ordinal))
            {
                continue;
            }

            var prefix = arg.StartsWith("--", StringComparison.Ordinal) ? 2 : arg.StartsWith('-') || arg.StartsWith('/') ? 1 : 0;
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var key = equals < 0 ? arg[prefix..] : arg[prefix..equals];
            if (key.Contains(':', StringComparison.Ordinal) && (prefix == 2 || arg.StartsWith('/') || (prefix == 0 && equals > 0)))
            {
                // --Section:Key value: the next argument is the value.
                if (equals < 0 && prefix > 0)
                {
                    if (i + 1 >= args.Count)
                    {
                        problems.Add($"argument {i + 1}, {arg}: the setting has no value (write {arg}=value)");
                    }

                    i++;
                }

                continue;
            }

            var closest = Names.Closest(arg, Switches);
            problems.Add(prefix == 0
                ? $"argument {i + 1}, '{arg}': not a switch or a --Section:Key=value setting"
                : closest is null
                    ? $"argument {i + 1}, {arg}: not a switch this service knows, nor a --Section:Key=value setting"
                    : $"argument {i + 1}, {arg}: not a switch this service knows (did you mean {closest}?)");
        }

        if (problems.Count == 0)
        {
            return null;
        }

        error.WriteLine($"{service}: {problems.Count} problem(s) in the command line; nothing was started:");
        foreach (var p in problems)
        {
            error.WriteLine($"  {p}");
        }

        error.WriteLine($"Run '{service} --help' for the switches and how settings are written.");
        return ConfigurationInvalid;
    }

    /// <summary>Prints the outcome of --validate-config: every problem on stderr (exit 2), or what the service would run with (exit 0).</summary>
    public static int ReportValidation(string service, IReadOnlyCollection<string> errors, string summary)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.Count == 0)
        {
            Console.Out.WriteLine($"{service}: the configuration is valid; it {summary}.");
            return 0;
        }

        Console.Error.WriteLine($"{service}: {errors.Count} problem(s) in the configuration:");
        foreach (var e in errors)
        {
            Console.Error.WriteLine($"  {e}");
        }

        return ConfigurationInvalid;
    }

    /// <summary>Runs until shutdown; 0 after a clean stop, <see cref="WorkerFailed"/> when a background worker faulted and stopped the host.</summary>
    public static async Task<int> RunAsync(IHost host, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        // RunAsync disposes the host: take the workers first.
        var workers = WorkerHealth.Workers(host.Services);
        await host.RunAsync(cancellationToken).ConfigureAwait(false);
        return WorkerHealth.Failed(workers).Count > 0 ? WorkerFailed : 0;
    }
}
