using System.Diagnostics;

namespace NetworkTwin.Central.Tests;

/// <summary>Polls a condition the system under test reaches in its own time (an agent registering, a model shipping).</summary>
internal static class Eventually
{
    public static async Task Until(Func<Task<bool>> condition, string what, double seconds = 60, int pollMilliseconds = 250)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(pollMilliseconds);
        }

        Assert.Fail($"timed out waiting for: {what}");
    }
}
