using Microsoft.Extensions.Configuration;
using NetworkTwin.Central.Service;

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
    public void BeyondLoopback_WithoutTlsAndTokens_IsRefused_NamingWhatToAdd()
    {
        var error = Assert.Single(Errors(("Coordinator:Address", "0.0.0.0")));

        Assert.StartsWith("the gRPC endpoint on 0.0.0.0 can be reached from other machines without TLS (Coordinator:Tls:CertificateFile and KeyFile), the agents' identity (Coordinator:AgentTokens or Coordinator:Tls:ClientCaFile), the operators' identity (Coordinator:OperatorTokens)", error, StringComparison.Ordinal);
        Assert.Contains("Coordinator:AllowInsecure=true", error, StringComparison.Ordinal);
    }

    [Fact]
    public void DashboardBeyondLoopback_WithoutOperatorTokens_IsRefused()
    {
        var error = Assert.Single(Errors(("Coordinator:Metrics:Address", "0.0.0.0")));

        Assert.StartsWith("the dashboard on 0.0.0.0 can be reached from other machines without the operators' identity (Coordinator:OperatorTokens)", error, StringComparison.Ordinal);
    }

    [Fact]
    public void BeyondLoopback_AllowInsecure_StartsAndSaysWhatIsExposed()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([KeyValuePair.Create("Coordinator:Address", (string?)"0.0.0.0"), KeyValuePair.Create("Coordinator:AllowInsecure", (string?)"true")]).Build();

        var settings = CoordinatorSettings.Read(configuration, out var errors);

        Assert.Empty(errors);
        Assert.StartsWith("the gRPC endpoint on 0.0.0.0 can be reached from other machines without TLS", settings.InsecureExposure, StringComparison.Ordinal);
    }

    [Fact]
    public void BeyondLoopback_WithTlsAgentAndOperatorTokens_IsFine()
    {
        var dir = Directory.CreateTempSubdirectory("nt-exposed-").FullName;
        try
        {
            var files = NetworkTwin.Hosting.Security.DevelopmentCertificates.Write(dir, clientName: "agent-1");
            Assert.Empty(Errors(
                ("Coordinator:Address", "0.0.0.0"),
                ("Coordinator:Metrics:Address", "0.0.0.0"),
                ("Coordinator:Tls:CertificateFile", files.ServerCertificate),
                ("Coordinator:Tls:KeyFile", files.ServerKey),
                ("Coordinator:AgentTokens:du-1", "agent-secret-0123456789"),
                ("Coordinator:OperatorTokens:noc", "ops-secret-0123456789")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void EveryProblem_IsReportedWithItsKey_UnknownAndMistypedKeysFirst_AndNoTokenValueLeaks()
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
            ("Coordinator:Portt", "7071"),
            ("Coordinator:AgentTokens:du-1", "tiny-secret"));

        Assert.Collection(
            errors,
            e => Assert.Equal("Coordinator:Control:LowerBelowShare=abc is not a number (with a dot as the decimal separator)", e),
            e => Assert.Equal("Coordinator:Portt is not a setting (did you mean Coordinator:Port?)", e),
            e => Assert.StartsWith("Coordinator:Address must be an IP address", e, StringComparison.Ordinal),
            e => Assert.StartsWith("Coordinator:Port must be 0..65535 (got 70000)", e, StringComparison.Ordinal),
            e => Assert.StartsWith("Coordinator:Repository:ConnectionString is required", e, StringComparison.Ordinal),
            e => Assert.StartsWith("Coordinator:Tls:ClientCaFile needs TLS", e, StringComparison.Ordinal),
            e => Assert.StartsWith("Coordinator:Tls:ClientCaFile \"/nowhere/ca.pem\" does not exist", e, StringComparison.Ordinal),
            e => Assert.StartsWith("Coordinator:Topology:MinCorrelation must be between 0 and 1", e, StringComparison.Ordinal),
            e => Assert.StartsWith("Coordinator:Learning:MinWindows must be 30..1000000 (got 5)", e, StringComparison.Ordinal),
            e => Assert.StartsWith("Coordinator:Learning:HoldoutFraction must be 0.05..0.5 (got 0.9)", e, StringComparison.Ordinal),
            e => Assert.StartsWith("Coordinator:Control:Headroom must be 0..10", e, StringComparison.Ordinal),
            e => Assert.StartsWith("Coordinator:AgentTokens:du-1 must be at least 16 characters", e, StringComparison.Ordinal));
        Assert.DoesNotContain(errors, e => e.Contains("tiny-secret", StringComparison.Ordinal));
    }

    [Fact]
    public void OperatorRoles_AreViewerOrOperator_ForAKnownOperator()
    {
        var errors = Errors(
            ("Coordinator:OperatorTokens:noc", "noc-secret-0123456789"),
            ("Coordinator:OperatorRoles:noc", "admin"),
            ("Coordinator:OperatorRoles:ghost", "viewer"));

        Assert.Contains("Coordinator:OperatorRoles:noc must be viewer or operator (got 'admin').", errors);
        Assert.Contains("Coordinator:OperatorRoles:ghost names no operator: add Coordinator:OperatorTokens:ghost.", errors);
    }

    [Fact]
    public void Retention_ShorterThanTrainingOrTheControlLookback_IsRefused_AndZeroKeepsForEver()
    {
        var errors = Errors(
            ("Coordinator:Retention:ResultsDays", "3"),
            ("Coordinator:Learning:HistoryHours", "96"),
            ("Coordinator:Retention:TenSecondRollupDays", "1"),
            ("Coordinator:Control:LookbackSeconds", "86401"),
            ("Coordinator:Retention:RunsDays", "-1"));

        Assert.Contains(errors, e => e.StartsWith("Coordinator:Retention:ResultsDays keeps 3 days of results, less than the 96 h training learns from", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Coordinator:Retention:TenSecondRollupDays keeps 1 days of ten-second rollups, less than the control pass looks back", StringComparison.Ordinal));
        Assert.Contains("Coordinator:Retention:RunsDays must be 0..3650, 0 to keep for ever (got -1).", errors);
        Assert.Empty(Errors(("Coordinator:Retention:ResultsDays", "0"), ("Coordinator:Retention:TenSecondRollupDays", "0")));
    }
}
