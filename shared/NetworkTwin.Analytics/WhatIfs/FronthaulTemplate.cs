using System.Globalization;
using NetworkTwin.Analytics.Capacity;
using NetworkTwin.Analytics.Cleaning;
using NetworkTwin.Analytics.Fronthaul;

namespace NetworkTwin.Analytics.WhatIfs;

/// <summary>
/// 5G fronthaul/transport: cells whose traffic (kbit per slot, cleaned) shares switch links with a
/// buffer. Loss per link comes from the fluid buffer model on the summed series, so bursts and their
/// alignment across cells matter, not only the mean. A failed link's cells switch to the surviving
/// link with the most spare capacity (protection switching); with none left they are unreachable.
/// Targets of growth and spikes are cells ("cell 3", or "3") or links ("link 2": all its cells).
/// </summary>
public sealed class FronthaulTemplate : IScenarioTemplate
{
    /// <summary>The growth factors of the default sweep.</summary>
    public static readonly IReadOnlyList<double> GrowthSteps = [1.1, 1.25, 1.5, 2.0];

    private readonly IReadOnlyDictionary<int, double[]> _cells;
    private readonly IReadOnlyDictionary<int, int[]> _links;
    private readonly IReadOnlyDictionary<int, double> _capacityGbps;
    private readonly double _intervalSeconds;
    private readonly double _bufferSeconds;
    private readonly double _lossTarget;
    private readonly double _costPerGbpsMonth;

    /// <param name="cells">Cell id to its kbit per interval (all the same length).</param>
    /// <param name="links">Link id to its cells.</param>
    /// <param name="capacityGbps">Link id to its capacity as provisioned.</param>
    public FronthaulTemplate(IReadOnlyDictionary<int, double[]> cells, IReadOnlyDictionary<int, int[]> links, IReadOnlyDictionary<int, double> capacityGbps, double intervalSeconds, double bufferSeconds, double lossTarget, double costPerGbpsMonth)
    {
        if (cells.Count == 0 || cells.Values.Select(c => c.Length).Distinct().Count() != 1)
        {
            throw new ArgumentException("the fronthaul template needs at least one cell, every cell with a series of the same length");
        }

        if (links.Count == 0 || links.Keys.Any(l => !capacityGbps.ContainsKey(l)) || links.Values.SelectMany(c => c).Any(c => !cells.ContainsKey(c)))
        {
            throw new ArgumentException("every link needs a capacity and only known cells");
        }

        (_cells, _links, _capacityGbps, _intervalSeconds, _bufferSeconds, _lossTarget, _costPerGbpsMonth) = (cells, links, capacityGbps, intervalSeconds, bufferSeconds, lossTarget, costPerGbpsMonth);
    }

    public string Kind => "fronthaul";

    /// <summary>Each link's traffic as provisioned today: its cells' series summed (kbit per interval).</summary>
    public IReadOnlyDictionary<int, double[]> LinkTraffic() =>
        _links.ToDictionary(l => l.Key, l => Sum(l.Value.Select(c => _cells[c]).ToList(), _cells.Values.First().Length));

    /// <summary>Each link's cells' own series.</summary>
    public IReadOnlyDictionary<int, IReadOnlyList<double[]>> CellTraffic() =>
        _links.ToDictionary(l => l.Key, l => (IReadOnlyList<double[]>)[.. l.Value.Select(c => _cells[c])]);

    public double IntervalSeconds => _intervalSeconds;

    public double BufferSeconds => _bufferSeconds;

    public double LossTarget => _lossTarget;

    public string Description => string.Create(CultureInfo.InvariantCulture, $"{_cells.Count} cells on {_links.Count} links ({string.Join(", ", _links.OrderBy(l => l.Key).Select(l => $"link {l.Key}: {l.Value.Length} cells, {_capacityGbps[l.Key]:0.#} Gbit/s"))}), {_cells.Values.First().Length * _intervalSeconds:0.#} s of traffic, {_bufferSeconds * 1e6:0} us buffer, loss target {_lossTarget:0.##%}");

    /// <summary>
    /// The state of an analysed capture: the report's links and cells, the slot table's series cleaned by
    /// the analysis' outlier rule, each link provisioned at its buffer-model capacity plus <paramref name="headroom"/>,
    /// rounded up to 0.5 Gbit/s.
    /// </summary>
    public static FronthaulTemplate FromAnalysis(SlotTable slots, FronthaulReport report, FronthaulOptions options, double headroom, double costPerGbpsMonth)
    {
        ArgumentNullException.ThrowIfNull(slots);
        ArgumentNullException.ThrowIfNull(report);
        var rule = new OutlierRule(options.OutlierFactor);
        var cells = new Dictionary<int, double[]>();
        for (var i = 0; i < slots.CellIds.Length; i++)
        {
            var series = (double[])slots.KbitByCell[i].Clone();
            rule.Apply(series.AsSpan());
            cells[slots.CellIds[i]] = series;
        }

        var links = report.Links.ToDictionary(l => l.Id, l => l.Cells.Where(cells.ContainsKey).ToArray());
        var interval = SymbolGrid.SlotSeconds;
        var capacities = links.ToDictionary(l => l.Key, l =>
        {
            var sum = Sum(l.Value.Select(c => cells[c]).ToList(), cells.Values.First().Length);
            var need = CapacitySearch.MinimumCapacity(sum, interval, options.BufferMicros * 1e-6, options.LossTarget).CapacityBitsPerSecond / 1e9;
            return Math.Ceiling(need * (1 + headroom) * 2) / 2;
        });
        return new FronthaulTemplate(cells, links, capacities, interval, options.BufferMicros * 1e-6, options.LossTarget, costPerGbpsMonth);
    }

    public IReadOnlyList<WhatIf> DefaultSweep()
    {
        var sweep = new List<WhatIf> { WhatIf.Baseline };
        sweep.AddRange(_links.Keys.Order().Select(l => new WhatIf($"link {l} fails", [new WhatIfChange.LinkDown(Name(l))])));
        sweep.AddRange(GrowthSteps.Select(f => new WhatIf(string.Create(CultureInfo.InvariantCulture, $"all traffic x{f}"), [new WhatIfChange.Growth(f, [])])));
        sweep.AddRange(_links.Keys.Order().Select(l => new WhatIf($"spike x2 on link {l}'s cells", [new WhatIfChange.Spike(2, [Name(l)], 0.4, 0.6)])));
        var first = _links.Keys.Min();
        var busiest = _cells.OrderByDescending(c => c.Value.Sum()).First().Key;
        sweep.Add(new WhatIf($"new site like cell {busiest} on link {first}", [new WhatIfChange.NewSite("new-cell", $"cell {busiest}", [Name(first)])]));
        sweep.AddRange(_links.Keys.Order().Select(l => new WhatIf(string.Create(CultureInfo.InvariantCulture, $"link {l} at 80% of its capacity"), [new WhatIfChange.Capacity(Name(l), _capacityGbps[l] * 0.8)])));
        return sweep;
    }

    public ScenarioResult Run(WhatIf whatIf)
    {
        ArgumentNullException.ThrowIfNull(whatIf);
        var length = _cells.Values.First().Length;
        var series = _cells.ToDictionary(c => c.Key.ToString(CultureInfo.InvariantCulture), c => c.Value);
        var members = _links.ToDictionary(l => l.Key, l => l.Value.Select(c => c.ToString(CultureInfo.InvariantCulture)).ToList());
        var capacity = new Dictionary<int, double>(_capacityGbps);
        var down = new HashSet<int>();
        var notes = new List<string>();
        foreach (var change in whatIf.Changes)
        {
            switch (change)
            {
                case WhatIfChange.LinkDown l:
                    down.Add(LinkId(l.Link));
                    break;
                case WhatIfChange.Capacity c:
                    capacity[LinkId(c.Link)] = c.Gbps;
                    break;
                case WhatIfChange.Growth { Factor: double.NaN }:
                    throw new ArgumentException("growth:forecast needs forecasts: run it on the twin's state (networktwin scenario twin)");
                case WhatIfChange.Growth g:
                    foreach (var cell in Targets(g.Targets, members, series))
                    {
                        series[cell] = Scaled(series[cell], g.Factor, 0, length);
                    }

                    break;
                case WhatIfChange.Spike s:
                    foreach (var cell in Targets(s.Targets, members, series))
                    {
                        series[cell] = Scaled(series[cell], s.Factor, (int)(s.From * length), (int)(s.To * length));
                    }

                    break;
                case WhatIfChange.NewSite n:
                    var like = Targets([n.CloneOf], members, series).FirstOrDefault() ?? throw new ArgumentException($"{change.Describe()}: no cell {n.CloneOf}");
                    var attach = LinkId(n.AttachTo[0]);
                    var copy = new double[length];
                    for (var i = 0; i < length; i++)
                    {
                        // Shifted by half the run, so the new cell's bursts are not the old one's.
                        copy[i] = series[like][(i + (length / 2)) % length];
                    }

                    series[n.Name] = copy;
                    members[attach].Add(n.Name);
                    break;
                default:
                    throw new ArgumentException($"{change.Describe()}: the fronthaul template has no nodes to fail; fail a link (link-down:N) instead");
            }
        }

        // Protection switching: a failed link's cells go to the surviving link with the most spare capacity.
        var unreachable = 0.0;
        var total = series.Values.Sum(s => s.Sum());
        foreach (var link in down.Order())
        {
            var moved = members[link];
            members[link] = [];
            var survivors = members.Keys.Where(l => !down.Contains(l)).ToList();
            if (survivors.Count == 0)
            {
                unreachable += moved.Sum(c => series[c].Sum());
                notes.Add($"cells {string.Join(',', moved)} of link {link} have no surviving link");
                continue;
            }

            var spare = survivors.OrderByDescending(l => capacity[l] - (Sum(members[l].Select(c => series[c]).ToList(), length).Average() * 1e3 / _intervalSeconds / 1e9)).First();
            members[spare].AddRange(moved);
            notes.Add($"link {link}'s {moved.Count} cells switched to link {spare}");
        }

        var outcomes = new List<LinkOutcome>();
        foreach (var (link, cells) in members.OrderBy(m => m.Key))
        {
            var sum = Sum(cells.Select(c => series[c]).ToList(), length);
            var gbps = sum.Select(k => k * 1e3 / _intervalSeconds / 1e9).ToArray();
            var mean = gbps.Average();
            var peak = gbps.Max();
            var cap = down.Contains(link) ? 0 : capacity[link];
            var loss = cells.Count == 0 ? 0 : cap <= 0 ? 100 : FluidBufferModel.LossRatio(sum, _intervalSeconds, cap * 1e9, _bufferSeconds) * 100;
            outcomes.Add(new LinkOutcome(Name(link), cap, Math.Round(mean, 3), Math.Round(peak, 3), cap > 0 ? mean / cap : 0, cap > 0 ? peak / cap : 0, Math.Round(loss, 4), cells.Count > 0 && loss > _lossTarget * 100));
        }

        var cost = capacity.Where(c => !down.Contains(c.Key)).Sum(c => c.Value) * _costPerGbpsMonth;
        return new ScenarioResult(Kind, whatIf, outcomes, total > 0 ? 100 * unreachable / total : 0, outcomes.Count(o => o.Violates), Math.Round(cost, 2), string.Join("; ", notes));
    }

    private static string Name(int link) => "link " + link.ToString(CultureInfo.InvariantCulture);

    private int LinkId(string name)
    {
        var text = name.StartsWith("link", StringComparison.OrdinalIgnoreCase) ? name[4..].Trim() : name;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && _links.ContainsKey(id)
            ? id
            : throw new ArgumentException($"no link '{name}' (links: {string.Join(", ", _links.Keys.Order())})");
    }

    /// <summary>Cells named directly ("cell 3", "3") or through their link ("link 2"); none = every cell.</summary>
    private List<string> Targets(IReadOnlyList<string> targets, Dictionary<int, List<string>> members, Dictionary<string, double[]> series)
    {
        if (targets.Count == 0)
        {
            return [.. series.Keys];
        }

        var cells = new List<string>();
        foreach (var t in targets)
        {
            if (t.StartsWith("link", StringComparison.OrdinalIgnoreCase))
            {
                cells.AddRange(members[LinkId(t)]);
                continue;
            }

            var id = t.StartsWith("cell", StringComparison.OrdinalIgnoreCase) ? t[4..].Trim() : t;
            cells.Add(series.ContainsKey(id) ? id : throw new ArgumentException($"no cell '{t}' (cells: {string.Join(", ", _cells.Keys.Order())})"));
        }

        return cells;
    }

    private static double[] Scaled(double[] series, double factor, int from, int to)
    {
        var copy = (double[])series.Clone();
        for (var i = Math.Max(0, from); i < Math.Min(copy.Length, to); i++)
        {
            copy[i] *= factor;
        }

        return copy;
    }

    private static double[] Sum(IReadOnlyList<double[]> series, int length)
    {
        var sum = new double[length];
        foreach (var s in series)
        {
            for (var i = 0; i < length; i++)
            {
                sum[i] += s[i];
            }
        }

        return sum;
    }
}
