using Microsoft.Extensions.Configuration;

namespace NetworkTwin.Hosting.Tests.Configuration;

/// <summary>Configuration keys checked against the options classes they bind to.</summary>
public sealed class ConfigurationCheckTests
{
    private sealed class Broker
    {
        public string Host { get; set; } = "127.0.0.1";

        public int Port { get; set; } = 1883;

        public bool Tls { get; set; }

        public string[] Topics { get; set; } = [];

        public Dictionary<int, double> Installed { get; set; } = [];

        public Limits Limit { get; set; } = new();

        public DayOfWeek Day { get; set; }

        /// <summary>null in a JSON file: left unset.</summary>
        public int? Retries { get; set; }
    }

    private sealed class Limits
    {
        public double? MaxSeconds { get; set; }
    }

    private static IReadOnlyList<string> Check(params (string Key, string? Value)[] settings) =>
        ConfigurationCheck.Problems(new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build(), ("Mqtt", typeof(Broker)));

    [Fact]
    public void GoodKeys_AnyCase_NestedListsAndMaps_AreFine() =>
        Assert.Empty(Check(("Mqtt:host", "broker"), ("Mqtt:Port", "8883"), ("Mqtt:Tls", "true"), ("Mqtt:Topics:0", "nt/#"), ("Mqtt:Installed:2", "4.5"), ("Mqtt:Limit:MaxSeconds", "2.5"), ("Mqtt:Day", "Monday"), ("Other:Anything", "x"), ("Mqtt:Retries", null)));

    [Fact]
    public void WrongTypesAndUnknownKeys_AreAllReportedWithTheirKeys()
    {
        var problems = Check(("Mqtt:Port", "abc"), ("Mqtt:Hots", "broker"), ("Mqtt:Tls", "yes"), ("Mqtt:Installed:2", "fast"), ("Mqtt:Limit:MaxSecnds", "1"), ("Mqtt:Day", "Someday"), ("Mqtt:Limit:MaxSeconds", "1,5"), ("Mqtt:Port:Tcp", "1"));

        string[] expected =
            [
                "Mqtt:Port=abc is not a whole number",
                "Mqtt:Port takes one value, not a section",
                "Mqtt:Hots is not a setting (did you mean Mqtt:Host?)",
                "Mqtt:Tls=yes is not true or false",
                "Mqtt:Installed:2=fast is not a number (with a dot as the decimal separator)",
                "Mqtt:Limit:MaxSecnds is not a setting (did you mean Mqtt:Limit:MaxSeconds?)",
                "Mqtt:Limit:MaxSeconds=1,5 is not a number (with a dot as the decimal separator)",
                "Mqtt:Day=Someday is not one of Sunday, Monday, Tuesday, Wednesday, Thursday, Friday, Saturday",
            ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), problems.Order(StringComparer.Ordinal));
    }
}
