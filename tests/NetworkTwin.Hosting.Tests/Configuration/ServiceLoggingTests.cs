using System.Text.Json;
using Microsoft.Extensions.Logging;
using Serilog.Extensions.Logging;

namespace NetworkTwin.Hosting.Tests.Configuration;

public sealed partial class ServiceLoggingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nt-logs-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Files_AreWrittenAsTextOrJsonLines(bool json)
    {
        using (var serilog = ServiceLogging.Create(new LogSettings { Json = json, ConsoleLevel = "None" }, _dir, "svc-"))
        using (var factory = new SerilogLoggerFactory(serilog))
        {
            NearCapacity(factory.CreateLogger("Test"), 3, 97.5);
        }

        var file = Assert.Single(Directory.GetFiles(_dir));
        var lines = File.ReadAllLines(file);
        if (json)
        {
            Assert.EndsWith(".jsonl", file, StringComparison.Ordinal);
            using var document = JsonDocument.Parse(Assert.Single(lines));
            Assert.Equal("Warning", document.RootElement.GetProperty("Level").GetString());
            Assert.Equal(3, document.RootElement.GetProperty("Properties").GetProperty("Link").GetInt32());
            Assert.Contains("Link 3 is at 97.5%", document.RootElement.GetProperty("RenderedMessage").GetString(), StringComparison.Ordinal);
        }
        else
        {
            Assert.EndsWith(".log", file, StringComparison.Ordinal);
            Assert.Contains("[WRN] Test: Link 3 is at 97.5% of its capacity", Assert.Single(lines), StringComparison.Ordinal);
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Link {Link} is at {Load:0.0}% of its capacity")]
    private static partial void NearCapacity(ILogger logger, int link, double load);
}
