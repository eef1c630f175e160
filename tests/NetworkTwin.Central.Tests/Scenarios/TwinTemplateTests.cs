using NetworkTwin.Analytics.WhatIfs;
using NetworkTwin.Central.Scenarios;

namespace NetworkTwin.Central.Tests.Scenarios;

public class TwinTemplateTests
{
    /// <summary>Two links of one agent: needs spread around 4 and 2 Gbit/s, capacities 6 and 6; a forecast of +80% on the first.</summary>
    private static TwinTemplate Template()
    {
        var random = new Random(1);
        double[] Around(double centre) => [.. Enumerable.Range(0, 200).Select(_ => centre * (0.9 + (0.2 * random.NextDouble())))];
        return new TwinTemplate(
            [
                new TwinLink("du/1", "du", [1, 2], 6, true, Around(4), Around(2), 1.8) { Discovered = 1 },
                new TwinLink("du/2", "du", [3], 6, true, Around(2), Around(1), 1) { Discovered = 2 },
                new TwinLink("ru/1", "ru", [7], 3, true, Around(1), Around(0.5), 1) { Discovered = 2 },
            ],
            0.05,
            100);
    }

    [Fact]
    public void Baseline_Fits_ForecastGrowthAndFailuresBreakTheSla()
    {
        var template = Template();

        var baseline = template.Run(WhatIf.Baseline);
        var forecast = template.Run(WhatIf.Parse("growth:forecast"));
        var failure = template.Run(WhatIf.Parse("link-down:du/2"));
        var doubled = template.Run(WhatIf.Parse("growth:2@du/2"));

        Assert.Equal(0, baseline.SlaViolations);
        Assert.All(baseline.Links, l => Assert.True(l.LossPercent < 1, $"{l.Link}: {l.LossPercent}%"));
        Assert.Equal(1500, baseline.CostPerMonth);
        // +80%: du/1 needs about 7.2 Gbit/s against 6.
        Assert.True(forecast.Links[0].Violates && forecast.Links[0].LossPercent > 50, $"{forecast.Links[0].LossPercent}%");
        Assert.False(forecast.Links[1].Violates);
        // du/2's needs join du/1's: about 6 against 6, half the windows over.
        Assert.Contains("du/2's cells moved to du/1", failure.Notes, StringComparison.Ordinal);
        Assert.True(failure.Links[0].Violates);
        Assert.Equal(900, failure.CostPerMonth);
        Assert.Equal(0, doubled.SlaViolations);
        Assert.Equal(2 * baseline.Links[1].PeakGbps, doubled.Links[1].PeakGbps, 2);
    }

    [Fact]
    public void UnknownLinksAndKinds_AreRefusedByName()
    {
        var template = Template();

        Assert.Contains("no agent link 'du/9'", Assert.Throws<ArgumentException>(() => template.Run(WhatIf.Parse("link-down:du/9"))).Message, StringComparison.Ordinal);
        Assert.Contains("no agent 'nobody'", Assert.Throws<ArgumentException>(() => template.Run(WhatIf.Parse("node-down:nobody"))).Message, StringComparison.Ordinal);
        Assert.Contains("not a change the twin's state takes", Assert.Throws<ArgumentException>(() => template.Run(new WhatIf("x", [new WhatIfChange.Spike(2, [], 0.5, 0.4), new WhatIfChange.LinkDown("du/1"), new UnknownChange()]))).Message, StringComparison.Ordinal);

        // The agent du goes dark: both its links, nowhere to move, their traffic unreachable.
        var site = template.Run(WhatIf.Parse("node-down:du"));
        Assert.True(site.UnreachablePercent > 80, $"{site.UnreachablePercent}%");

        // A new site like du/1 on ru/1 (3 Gbit/s): about 5 Gbit/s of need, the SLA breaks.
        var newSite = template.Run(WhatIf.Parse("new-site:hall-b=du/1@ru/1"));
        Assert.True(newSite.Links.Single(l => l.Link == "ru/1").Violates);
        // Baseline, forecast, 3 agent links, 1 shared link, 4 growth steps, 3 spikes, 3 capacity cuts.
        Assert.Equal(2 + 3 + 1 + 4 + 3 + 3, template.DefaultSweep().Count);

        // A discovered link fails with every agent link on it: du/2 moves to du/1, ru/1 has nowhere to go.
        var shared = template.Run(WhatIf.Parse("link-down:link 2"));
        Assert.Contains("ru/1 has no surviving link at its agent", shared.Notes, StringComparison.Ordinal);
        Assert.Contains("du/2's cells moved to du/1", shared.Notes, StringComparison.Ordinal);
        Assert.True(shared.UnreachablePercent > 0);
        Assert.Contains("or a discovered link: link 1, link 2", Assert.Throws<ArgumentException>(() => template.Run(WhatIf.Parse("link-down:link 9"))).Message, StringComparison.Ordinal);
    }

    private sealed record UnknownChange : WhatIfChange;
}
