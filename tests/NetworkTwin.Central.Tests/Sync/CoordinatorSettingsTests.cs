using Microsoft.Extensions.Configuration;
using NetworkTwin.Central.Hosting;

namespace NetworkTwin.Central.Tests.Sync;

public class CoordinatorSettingsTests
{
    private static List<string> Errors(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();
        CoordinatorSettings.Read(configuration, out var errors);
        return errors;
    }

    [Fact]
    public void Defaults_AreValid()
    {
        Assert.Empty(Errors());
    }

    [Fact]
    public void EveryProblem_IsReportedWithItsKey_AndNoTokenValueLeaks()
    {
        var errors = Errors(
            ("Coordinator:Address", "not-an-ip"),
            ("Coordinator:Port", "70000"),
            ("Coordinator:Repository:Provider", "postgresql"),
            ("Coordinator:Tls:ClientCaFile", "/nowhere/ca.pem"),
            ("Coordinator:Topology:MinCorrelation", "2"),
            ("Coordinator:Learning:MinWindows", "5"),
            ("Coordinator:Learning:HoldoutFraction", "0.9"),
            ("Coordinator:Control:Headroom", "-1"),
            ("Coordinator:Control:LowerBelowShare", "abc"),
            ("Coordinator:AgentTokens:du-1", "tiny-secret"));

        Assert.Collection(
            errors,
            e => Assert.StartsWith("Coordinator:Address must be an IP address", e, StringComparison.Ordinal),
            e => Assert.StartsWith("Coordinator:Port must be 0..65535 (got 70000)", e, StringComparison.Ordinal),
            e => Assert.StartsWith("Coordinator:Repository:ConnectionString is required", e, StringComparison.Ordinal),
            e => Assert.StartsWith("Coordinator:Tls:ClientCaFile needs TLS", e, StringComparison.Ordinal),
            e => Assert.StartsWith("Coordinator:Tls:ClientCaFile \"/nowhere/ca.pem\" does not exist", e, StringComparison.Ordinal),
            e => Assert.StartsWith("Coordinator:Topology:MinCorrelation must be between 0 and 1", e, StringComparison.Ordinal),
            e => Assert.StartsWith("Coordinator:Learning:MinWindows must be 30..1000000 (got 5)", e, StringComparison.Ordinal),
            e => Assert.StartsWith("Coordinator:Learning:HoldoutFraction must be 0.05..0.5 (got 0.9)", e, StringComparison.Ordinal),
            e => Assert.StartsWith("Coordinator:Control: Failed to convert configuration value 'abc'", e, StringComparison.Ordinal),
            e => Assert.StartsWith("Coordinator:AgentTokens:du-1 must be at least 16 characters", e, StringComparison.Ordinal));
        Assert.DoesNotContain(errors, e => e.Contains("tiny-secret", StringComparison.Ordinal));
    }
}
