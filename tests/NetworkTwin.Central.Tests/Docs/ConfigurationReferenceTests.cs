using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using NetworkTwin.Agent.Configuration;
using NetworkTwin.Agent.Hosting;
using NetworkTwin.Central.Service;
using NetworkTwin.Hosting.Observability;
using NetworkTwin.Mqtt.Client;
using NetworkTwin.Testing;
using NetworkTwin.Testing.Docs;
using Xunit;

namespace NetworkTwin.Central.Tests.Docs;

/// <summary>
/// docs/configuration.md is generated from the options classes and must match them; and what it says each key
/// accepts must be what the services' checks really refuse, so neither the page nor the attributes can drift.
/// NETWORKTWIN_WRITE_DOCS=1 (./build.sh docs) rewrites the page.
/// </summary>
public class ConfigurationReferenceTests
{
    private static readonly IReadOnlyList<ReferenceSection> AgentSections =
    [
        .. ConfigurationReference.Sections(AgentOptions.Section, typeof(AgentOptions), IsRemote),
        .. ConfigurationReference.Sections("Mqtt", typeof(MqttClientOptions), _ => false),
        .. ConfigurationReference.Sections(TelemetryOptions.Section, typeof(TelemetryOptions), _ => false),
    ];

    private static readonly IReadOnlyList<ReferenceSection> CoordinatorSections =
    [
        .. ConfigurationReference.Sections(CoordinatorOptions.Section, typeof(CoordinatorOptions), _ => false),
        .. ConfigurationReference.Sections(TelemetryOptions.Section, typeof(TelemetryOptions), _ => false),
    ];

    private static bool IsRemote(string key) =>
        AgentOptions.RemoteKeys.Contains(key, StringComparer.OrdinalIgnoreCase) || key.Equals("Agent:Analysis:Pins", StringComparison.OrdinalIgnoreCase);

    [Fact]
    public void DocsConfigurationMd_IsWhatTheOptionsClassesSay()
    {
        var path = Path.Combine(SourceTree.Root()!, "docs", "configuration.md");
        var generated = Page();
        if (Environment.GetEnvironmentVariable("NETWORKTWIN_WRITE_DOCS") == "1")
        {
            File.WriteAllText(path, generated);
        }

        Assert.True(File.Exists(path) && File.ReadAllText(path) == generated, "docs/configuration.md is not what the options classes say: run ./build.sh docs and commit the page.");
    }

    [Fact]
    public void EveryDocumentedRangeAndChoice_IsWhatTheAgentsChecksRefuse()
    {
        var wrong = Probe(AgentSections, (key, value) => AgentHost.Problems(Configuration(key, value)));

        Assert.True(wrong.Count == 0, string.Join(Environment.NewLine, wrong));
    }

    [Fact]
    public void EveryDocumentedRangeAndChoice_IsWhatTheCoordinatorsChecksRefuse()
    {
        var wrong = Probe(CoordinatorSections, (key, value) =>
        {
            var configuration = Configuration(key, value);
            CoordinatorSettings.Read(configuration, out var errors);
            return [.. errors, .. ServiceTelemetry.Problems(configuration)];
        });

        Assert.True(wrong.Count == 0, string.Join(Environment.NewLine, wrong));
    }

    [Fact]
    public void TheDefaults_PassEveryCheck_AndEveryKeyIsKnownToTheServices()
    {
        // Each documented key set to its documented default is accepted: no key in the page is unknown to the service.
        foreach (var (sections, problems) in new (IReadOnlyList<ReferenceSection>, Func<IConfiguration, IReadOnlyList<string>>)[]
        {
            (AgentSections, AgentHost.Problems),
            (CoordinatorSections, c => { CoordinatorSettings.Read(c, out var e); return e; }),
        })
        {
            var values = sections.SelectMany(s => s.Keys)
                .Where(k => !k.Key.Contains('<', StringComparison.Ordinal) && k.Default is not ("(none)" or "(empty)"))
                .ToDictionary(k => k.Key, k => (string?)k.Default);
            var found = problems(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
            Assert.True(found.Count == 0, string.Join(Environment.NewLine, found));
        }
    }

    [Fact]
    public void ThePackagesSiteFiles_PassEveryCheck()
    {
        var packaging = Path.Combine(SourceTree.Root()!, "packaging", "deb");
        var agent = new ConfigurationBuilder().AddJsonFile(Path.Combine(packaging, "agent.json")).Build();
        var central = new ConfigurationBuilder().AddJsonFile(Path.Combine(packaging, "central.json")).Build();

        Assert.Empty(AgentHost.Problems(agent));
        CoordinatorSettings.Read(central, out var errors);
        Assert.Empty(errors);
    }

    private static string Page() =>
        """
        # Configuration reference

        Part of the NetworkTwin documentation ([index](../README.md#documentation)). **Generated** from the options classes
        (`tests/NetworkTwin.Central.Tests/Docs/ConfigurationReferenceTests.cs`; `./build.sh docs` rewrites it, and the tests
        fail when it no longer matches them or when a range here is not what the service refuses).

        Where the keys come from, lowest first: `appsettings.json` beside the binary, the site file
        (`/etc/networktwin/agent.json` or `central.json` on Linux, `%ProgramData%\NetworkTwin\<name>.json` on Windows, or the
        file named by `NETWORKTWIN_CONFIG_FILE`), `NETWORKTWIN_` environment variables (`NETWORKTWIN_Agent__Window__Seconds=4`:
        `__` for `:`), then command-line switches (`--Agent:Window:Seconds=4`). `networktwin-agent --validate-config` and
        `networktwin-central --validate-config` print every problem at once (an unknown key with the closest real one, a value
        of the wrong type, a value out of range) and exit 2; a service started with a problem does the same. A command-line
        argument that is neither a switch (`--validate-config`, `--version`, `--help`) nor a setting (`--Section:Key=value`) is
        refused before anything starts, with its position and the closest switch (`--valdate-config`: did you mean
        `--validate-config`?), exit 2: .NET's command-line provider would otherwise take it as a key swallowing the next argument.

        Columns: **Type** as the value is written; **Default** when the key is absent; **Accepts** the range or words the
        service takes (`-`: any value of the type, or see the description); **Remote**: `yes` when the coordinator may change
        it on a running agent (`networktwin configure --agent ID --set KEY=VALUE`), which keeps the change across restarts.


        """ + ConfigurationReference.Markdown("The agent (networktwin-agent)", "Site file `/etc/networktwin/agent.json`.", AgentSections)
            + "\n" + ConfigurationReference.Markdown("The coordinator (networktwin-central)", "Site file `/etc/networktwin/central.json`.", CoordinatorSections);

    private static IConfiguration Configuration(string key, string value) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();

    /// <summary>Each documented bound is accepted and the value just past it refused (with a problem naming the key); each allowed word is accepted and another refused.</summary>
    private static List<string> Probe(IReadOnlyList<ReferenceSection> sections, Func<string, string, IReadOnlyList<string>> problems)
    {
        var wrong = new List<string>();
        foreach (var key in sections.SelectMany(s => s.Keys))
        {
            foreach (var (value, refused) in Cases(key))
            {
                var named = problems(key.Key, value).Where(p => p.StartsWith(key.Key + " ", StringComparison.Ordinal) || p.StartsWith(key.Key + "=", StringComparison.Ordinal)).ToList();
                if (named.Count > 0 != refused)
                {
                    wrong.Add($"{key.Key}={value}: documented as {(refused ? "refused" : "accepted")} ({key.Accepts}), but the service {(refused ? "accepts it" : "says: " + string.Join("; ", named))}");
                }
            }
        }

        return wrong;
    }

    private static IEnumerable<(string Value, bool Refused)> Cases(ReferenceKey key)
    {
        if (key.Values is { } values)
        {
            foreach (var value in values.Values)
            {
                yield return (Convert.ToString(value, CultureInfo.InvariantCulture)!, false);
            }

            yield return ("bogus", true);
        }

        if (key.Range is not { } range)
        {
            yield break;
        }

        var whole = key.Type == typeof(int) || key.Type == typeof(long);
        var min = Convert.ToDouble(range.Minimum, CultureInfo.InvariantCulture);
        var max = Convert.ToDouble(range.Maximum, CultureInfo.InvariantCulture);
        double Step(double at) => whole ? 1 : Math.Max(1e-6, Math.Abs(at) * 1e-9);
        string Text(double v) => whole ? ((long)v).ToString(CultureInfo.InvariantCulture) : v.ToString("R", CultureInfo.InvariantCulture);

        yield return (Text(range.MinimumIsExclusive ? min + Step(min) : min), false);
        yield return (Text(range.MinimumIsExclusive ? min : min - Step(min)), true);
        if (max < int.MaxValue)
        {
            yield return (Text(range.MaximumIsExclusive ? max - Step(max) : max), false);
            yield return (Text(range.MaximumIsExclusive ? max : max + Step(max)), true);
        }
    }
}
