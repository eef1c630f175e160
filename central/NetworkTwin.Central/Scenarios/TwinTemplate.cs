using System.Globalization;
using NetworkTwin.Analytics.WhatIfs;
using NetworkTwin.Learning.Distributions;

namespace NetworkTwin.Central.Scenarios;

/// <summary>One agent link as the twin holds it: its recent window sizings and loads, its capacity, its forecast growth.</summary>
/// <param name="NeedGbps">Per recent window, the capacity the buffer model says the window needed for the loss target.</param>
/// <param name="CapacityGbps">The target in force; the highest recent need when no target is known.</param>
/// <param name="ForecastGrowth">The forecast's chance-constrained next-window load over the load now (1 without a forecast).</param>
internal sealed record TwinLink(string Name, string Agent, int[] Cells, double CapacityGbps, bool CapacityKnown, double[] NeedGbps, double[] MeanGbps, double ForecastGrowth)
{
    /// <summary>The discovered (shared) link of the twin's link map this agent link belongs to, if any.</summary>
    public int? Discovered { get; init; }
}

/// <summary>
/// The twin's current state as a scenario template: every agent link's recent windows. Scaling a link's
/// whole traffic by k scales the buffer model's need by exactly k (its buffer is a drain time), so growth
/// and spikes scale the needs; a failed link's needs are added to the surviving link of the same agent with
/// the most room (an upper bound: sharing only lowers the need). A link breaks its SLA when the fitted
/// distribution of its needs puts the chance that a window needs more than its capacity above epsilon.
/// Targets are agent links (<c>AGENT/N</c>) or links of the discovered map (<c>link N</c>: every agent link
/// on it, across agents); <c>growth:forecast</c> applies each link's own forecast growth.
/// </summary>
internal sealed class TwinTemplate(IReadOnlyList<TwinLink> links, double epsilon, double costPerGbpsMonth) : IScenarioTemplate
{
    public string Kind => "twin";

    public string Description => string.Create(
        CultureInfo.InvariantCulture,
        $"the twin's state: {links.Count} agent links ({string.Join(", ", links.Select(l => $"{l.Name} {l.CapacityGbps:0.#} Gbit/s{(l.CapacityKnown ? string.Empty : " as sized")}, {l.NeedGbps.Length} windows"))}); a link breaks its SLA when a window needs more than its capacity with probability above {epsilon:P0}");

    public IReadOnlyList<WhatIf> DefaultSweep()
    {
        var sweep = new List<WhatIf> { WhatIf.Baseline, new("the forecast's next window on every link", [new WhatIfChange.Growth(double.NaN, ["forecast"])]) };
        sweep.AddRange(links.Select(l => new WhatIf($"{l.Name} fails", [new WhatIfChange.LinkDown(l.Name)])));
        sweep.AddRange(links.Where(l => l.Discovered is not null).Select(l => l.Discovered!.Value).Distinct().Order()
            .Where(d => links.Count(l => l.Discovered == d) > 1)
            .Select(d => new WhatIf($"shared link {d} fails (all its agents' links)", [.. links.Where(l => l.Discovered == d).Select(l => new WhatIfChange.LinkDown(l.Name))])));
        sweep.AddRange(FronthaulTemplate.GrowthSteps.Select(f => new WhatIf(string.Create(CultureInfo.InvariantCulture, $"all traffic x{f}"), [new WhatIfChange.Growth(f, [])])));
        sweep.AddRange(links.Select(l => new WhatIf($"spike x2 on {l.Name}", [new WhatIfChange.Spike(2, [l.Name], 0.4, 0.6)])));
        sweep.AddRange(links.Select(l => new WhatIf(string.Create(CultureInfo.InvariantCulture, $"{l.Name} at 80% of its capacity"), [new WhatIfChange.Capacity(l.Name, l.CapacityGbps * 0.8)])));
        return sweep;
    }

    public ScenarioResult Run(WhatIf whatIf)
    {
        ArgumentNullException.ThrowIfNull(whatIf);
        var need = links.ToDictionary(l => l.Name, l => (double[])l.NeedGbps.Clone(), StringComparer.OrdinalIgnoreCase);
        var mean = links.ToDictionary(l => l.Name, l => (double[])l.MeanGbps.Clone(), StringComparer.OrdinalIgnoreCase);
        var capacity = links.ToDictionary(l => l.Name, l => l.CapacityGbps, StringComparer.OrdinalIgnoreCase);
        var down = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var change in whatIf.Changes)
        {
            switch (change)
            {
                case WhatIfChange.Growth { Factor: double.NaN }:
                    foreach (var l in links)
                    {
                        Scale(need[l.Name], mean[l.Name], l.ForecastGrowth, 0, 1);
                    }

                    break;
                case WhatIfChange.Growth g:
                    foreach (var name in Targets(g.Targets))
                    {
                        Scale(need[name], mean[name], g.Factor, 0, 1);
                    }

                    break;
                case WhatIfChange.Spike s:
                    foreach (var name in Targets(s.Targets))
                    {
                        Scale(need[name], mean[name], s.Factor, s.From, s.To);
                    }

                    break;
                case WhatIfChange.LinkDown d:
                    down.UnionWith(Targets([d.Link]));
                    break;
                case WhatIfChange.Capacity c:
                    foreach (var name in Targets([c.Link]))
                    {
                        capacity[name] = c.Gbps;
                    }

                    break;
                case WhatIfChange.NodeDown n:
                    // A site's agent (and what it serves) goes dark: all its links, with no survivor at that agent.
                    var site = links.Where(l => l.Agent.Equals(n.Node, StringComparison.OrdinalIgnoreCase)).Select(l => l.Name).ToList();
                    down.UnionWith(site.Count > 0 ? site : throw new ArgumentException($"no agent '{n.Node}' (agents: {string.Join(", ", links.Select(l => l.Agent).Distinct())})"));
                    break;
                case WhatIfChange.NewSite ns:
                    // A new site like an existing agent link, its traffic landing on the attached link (newest windows aligned).
                    var like = Targets([ns.CloneOf])[0];
                    var onto = Targets([ns.AttachTo[0]])[0];
                    Add(need[onto], need[like]);
                    Add(mean[onto], mean[like]);
                    break;
                default:
                    throw new ArgumentException($"{change.Describe()}: not a change the twin's state takes (link-down, node-down:AGENT, growth, spike, new-site:NAME=AGENT/N@AGENT/M, capacity)");
            }
        }

        var notes = new List<string>();
        var unreachable = 0.0;
        var total = links.Sum(l => mean[l.Name].DefaultIfEmpty(0).Average());
        foreach (var name in down)
        {
            var agent = links.First(l => l.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Agent;
            var spare = links.Where(l => l.Agent == agent && !down.Contains(l.Name)).OrderByDescending(l => capacity[l.Name] - need[l.Name].DefaultIfEmpty(0).Max()).FirstOrDefault();
            if (spare is null)
            {
                unreachable += mean[name].DefaultIfEmpty(0).Average();
                notes.Add($"{name} has no surviving link at its agent");
            }
            else
            {
                Add(need[spare.Name], need[name]);
                Add(mean[spare.Name], mean[name]);
                notes.Add($"{name}'s cells moved to {spare.Name}");
            }

            need[name] = [];
            mean[name] = [];
        }

        var outcomes = links.Select(l =>
        {
            var n = need[l.Name];
            var cap = down.Contains(l.Name) ? 0 : capacity[l.Name];
            var m = mean[l.Name].DefaultIfEmpty(0).Average();
            var broken = n.Length == 0 ? 0 : 100 * Exceedance(n, cap);
            return new LinkOutcome(l.Name, cap, Math.Round(m, 3), Math.Round(n.DefaultIfEmpty(0).Max(), 3), cap > 0 ? m / cap : 0, cap > 0 ? n.DefaultIfEmpty(0).Max() / cap : 0, Math.Round(broken, 3), broken > epsilon * 100);
        }).ToList();
        var cost = capacity.Where(c => !down.Contains(c.Key)).Sum(c => c.Value) * costPerGbpsMonth;
        return new ScenarioResult(Kind, whatIf, outcomes, total > 0 ? Math.Round(100 * unreachable / total, 3) : 0, outcomes.Count(o => o.Violates), Math.Round(cost, 2), string.Join("; ", notes));
    }

    /// <summary>P(need &gt; capacity) from the best-fitting distribution of the needs (the empirical share when too few or all equal).</summary>
    private static double Exceedance(double[] needs, double capacity)
    {
        if (capacity <= 0)
        {
            return 1;
        }

        var empirical = needs.Count(n => n > capacity) / (double)needs.Length;
        if (needs.Length < 10 || needs.Distinct().Count() < 3)
        {
            return empirical;
        }

        try
        {
            return Math.Clamp(1 - DistributionFitter.Fit(needs).Best.Cdf(capacity), 0, 1);
        }
        catch (ArgumentException)
        {
            return empirical;
        }
    }

    private List<string> Targets(IReadOnlyList<string> targets)
    {
        if (targets.Count == 0)
        {
            return [.. links.Select(l => l.Name)];
        }

        var names = new List<string>();
        foreach (var t in targets)
        {
            if (links.FirstOrDefault(l => l.Name.Equals(t, StringComparison.OrdinalIgnoreCase)) is { } one)
            {
                names.Add(one.Name);
            }
            else if (t.StartsWith("link ", StringComparison.OrdinalIgnoreCase)
                && int.TryParse(t[5..], NumberStyles.None, CultureInfo.InvariantCulture, out var discovered)
                && links.Where(l => l.Discovered == discovered).Select(l => l.Name).ToList() is { Count: > 0 } shared)
            {
                names.AddRange(shared);
            }
            else
            {
                throw new ArgumentException($"no agent link '{t}' (links: {string.Join(", ", links.Select(l => l.Name))}; or a discovered link: {string.Join(", ", links.Select(l => l.Discovered).OfType<int>().Distinct().Order().Select(d => $"link {d}"))})");
            }
        }

        return names;
    }

    private static void Scale(double[] need, double[] mean, double factor, double from, double to)
    {
        for (var i = (int)(from * need.Length); i < Math.Min(need.Length, (int)Math.Ceiling(to * need.Length)); i++)
        {
            need[i] *= factor;
            mean[i] *= factor;
        }
    }

    /// <summary>Adds <paramref name="from"/> to <paramref name="into"/>, the newest windows aligned.</summary>
    private static void Add(double[] into, double[] from)
    {
        for (var k = 0; k < Math.Min(into.Length, from.Length); k++)
        {
            into[into.Length - 1 - k] += from[from.Length - 1 - k];
        }
    }
}
