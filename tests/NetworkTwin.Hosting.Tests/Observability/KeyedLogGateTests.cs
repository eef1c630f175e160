using NetworkTwin.Hosting.Observability;

namespace NetworkTwin.Hosting.Tests.Observability;

public class KeyedLogGateTests
{
    private sealed class ManualClock : TimeProvider
    {
        public long Ticks { get; set; } = 1;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Ticks;
    }

    [Fact]
    public void ShouldLog_SameKeyWithinTheInterval_OnlyTheFirst_OtherKeysUnaffected()
    {
        var clock = new ManualClock();
        var gate = new KeyedLogGate(TimeSpan.FromMinutes(1), clock);

        var first = gate.ShouldLog("du-1");
        var again = gate.ShouldLog("du-1");
        var other = gate.ShouldLog("du-2");
        clock.Ticks += TimeSpan.FromSeconds(59).Ticks;
        var justBefore = gate.ShouldLog("du-1");
        clock.Ticks += TimeSpan.FromSeconds(1).Ticks;
        var after = gate.ShouldLog("du-1");

        Assert.Equal([true, false, true, false, true], [first, again, other, justBefore, after]);
    }
}
