using Microsoft.Extensions.Time.Testing;
using NetworkTwin.Hosting.Observability;

namespace NetworkTwin.Hosting.Tests.Observability;

public class KeyedLogGateTests
{
    [Fact]
    public void ShouldLog_SameKeyWithinTheInterval_OnlyTheFirst_OtherKeysUnaffected()
    {
        var clock = new FakeTimeProvider();
        var gate = new KeyedLogGate(TimeSpan.FromMinutes(1), clock);

        var first = gate.ShouldLog("du-1");
        var again = gate.ShouldLog("du-1");
        var other = gate.ShouldLog("du-2");
        clock.Advance(TimeSpan.FromSeconds(59));
        var justBefore = gate.ShouldLog("du-1");
        clock.Advance(TimeSpan.FromSeconds(1));
        var after = gate.ShouldLog("du-1");

        Assert.Equal([true, false, true, false, true], [first, again, other, justBefore, after]);
    }
}
