using Microsoft.Extensions.Time.Testing;
using NetworkTwin.Central.Service;

namespace NetworkTwin.Central.Tests.Service;

public sealed class ReloadingFilesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nt-reload-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Current_FilesChanged_LoadsAgainAtMostOnceASecond_AndKeepsTheOldWhenTheNewDoesNotLoad()
    {
        var file = Path.Combine(_dir, "value.txt");
        File.WriteAllText(file, "1");
        var clock = new FakeTimeProvider();
        var events = new List<string>();
        var files = new ReloadingFiles<string>(
            [file],
            () => File.ReadAllText(file) is var text && int.TryParse(text, out _) ? text : throw new IOException($"'{text}' is not a number"),
            clock,
            (next, previous) => events.Add($"{previous}->{next}"),
            (ex, current) => events.Add($"refused ({ex.Message}), still {current}"));

        var stamp = File.GetLastWriteTimeUtc(file);
        File.WriteAllText(file, "2");

        // As a copy that keeps the write time (cp -p, rsync -t) leaves it.
        File.SetLastWriteTimeUtc(file, stamp);
        var withinTheSecond = files.Current();
        clock.Advance(TimeSpan.FromSeconds(1));
        var afterIt = files.Current();
        File.WriteAllText(file, "half");
        clock.Advance(TimeSpan.FromSeconds(1));
        var broken = files.Current();
        clock.Advance(TimeSpan.FromSeconds(1));
        var brokenAgain = files.Current();

        Assert.Equal(["1", "2", "2", "2"], [withinTheSecond, afterIt, broken, brokenAgain]);
        Assert.Equal(["1->2", "refused ('half' is not a number), still 2"], events);
    }
}
