using System.Text.Json;
using Microsoft.Extensions.Configuration;
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

    [Fact]
    public void Levels_ComeFromTheSerilogSection_WithOverridesPerNamespace()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Serilog:MinimumLevel:Default"] = "Debug",
            ["Serilog:MinimumLevel:Override:NetworkTwin.Agent.Ingest"] = "Error",
        }).Build();

        using (var serilog = ServiceLogging.Create(new LogSettings { ConsoleLevel = "None" }, _dir, "svc-", configuration))
        using (var factory = new SerilogLoggerFactory(serilog))
        {
            NearCapacity(factory.CreateLogger("NetworkTwin.Agent.Ingest.MqttIngestWorker"), 1, 99);
            NearCapacity(factory.CreateLogger("NetworkTwin.Agent.Sync.SyncWorker"), 2, 98);
            Detail(factory.CreateLogger("NetworkTwin.Agent.Sync.SyncWorker"), 7);
        }

        var lines = File.ReadAllLines(Assert.Single(Directory.GetFiles(_dir)));

        Assert.DoesNotContain(lines, l => l.Contains("Link 1", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Link 2", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("[DBG] NetworkTwin.Agent.Sync.SyncWorker: batch 7", StringComparison.Ordinal));
    }

    [Fact]
    public void FullBuffer_DropsAreCounted_NothingIsLostSilently()
    {
        const int Events = 100_000;
        var before = ServiceLogging.DroppedEvents;

        using (var serilog = ServiceLogging.Create(new LogSettings { ConsoleLevel = "None", FileSizeLimitMegabytes = 100 }, _dir, "burst-"))
        using (var factory = new SerilogLoggerFactory(serilog))
        {
            var logger = factory.CreateLogger("Burst");
            for (var i = 0; i < Events; i++)
            {
                NearCapacity(logger, i, 50);
            }
        }

        var written = Directory.GetFiles(_dir).Sum(f => File.ReadLines(f).Count());
        var dropped = ServiceLogging.DroppedEvents - before;

        Assert.Equal(Events, written + dropped);
    }

    [LoggerMessage(2, LogLevel.Debug, "batch {Batch}")]
    private static partial void Detail(ILogger logger, int batch);

    [LoggerMessage(1, LogLevel.Warning, "Link {Link} is at {Load:0.0}% of its capacity")]
    private static partial void NearCapacity(ILogger logger, int link, double load);
}
