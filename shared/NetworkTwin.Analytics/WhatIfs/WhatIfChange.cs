using System.Globalization;

namespace NetworkTwin.Analytics.WhatIfs;

/// <summary>One change a what-if applies to the twin's state. Names (links, nodes, cells) are the template's own.</summary>
public abstract record WhatIfChange
{
    /// <summary>A link fails.</summary>
    public sealed record LinkDown(string Link) : WhatIfChange;

    /// <summary>A node (a site, a switch, a satellite) fails with every link it has.</summary>
    public sealed record NodeDown(string Node) : WhatIfChange;

    /// <summary>Traffic of the targets (cells or sites; none = all) grows by a factor for the whole run.</summary>
    public sealed record Growth(double Factor, IReadOnlyList<string> Targets) : WhatIfChange;

    /// <summary>Traffic of the targets is multiplied by a factor from <see cref="From"/> to <see cref="To"/> (fractions of the run).</summary>
    public sealed record Spike(double Factor, IReadOnlyList<string> Targets, double From, double To) : WhatIfChange;

    /// <summary>A new site: its traffic is a copy of <see cref="CloneOf"/>'s (shifted in time), attached to <see cref="AttachTo"/>.</summary>
    public sealed record NewSite(string Name, string CloneOf, IReadOnlyList<string> AttachTo) : WhatIfChange;

    /// <summary>A link's capacity is set to a new value.</summary>
    public sealed record Capacity(string Link, double Gbps) : WhatIfChange;

    /// <summary>
    /// Parses one what-if: changes joined by <c>+</c>, each one of
    /// <c>link-down:LINK</c>, <c>node-down:NODE</c>, <c>growth:FACTOR[@T1,T2]</c> (or <c>growth:forecast</c>),
    /// <c>spike:FACTOR@T1,T2[/FROM-TO]</c>, <c>new-site:NAME=CLONE@ATTACH1,ATTACH2</c>, <c>capacity:LINK=GBPS</c>.
    /// Throws <see cref="FormatException"/> naming the part that does not parse.
    /// </summary>
    public static IReadOnlyList<WhatIfChange> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var changes = new List<WhatIfChange>();
        foreach (var raw in text.Split('+', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = raw.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || colon == raw.Length - 1)
            {
                throw new FormatException($"'{raw}' is not KIND:ARGUMENTS (kinds: link-down, node-down, growth, spike, new-site, capacity)");
            }

            var kind = raw[..colon].ToLowerInvariant();
            var body = raw[(colon + 1)..];
            changes.Add(kind switch
            {
                "link-down" => new LinkDown(body),
                "node-down" => new NodeDown(body),
                "growth" => ParseGrowth(raw, body),
                "spike" => ParseSpike(raw, body),
                "new-site" => ParseNewSite(raw, body),
                "capacity" => ParseCapacity(raw, body),
                _ => throw new FormatException($"'{raw}': unknown kind '{kind}' (kinds: link-down, node-down, growth, spike, new-site, capacity)"),
            });
        }

        return changes.Count > 0 ? changes : throw new FormatException("a what-if needs at least one change");
    }

    /// <summary>How the change reads in a table.</summary>
    public string Describe() => this switch
    {
        LinkDown l => $"link {l.Link} down",
        NodeDown n => $"{n.Node} down",
        Growth { Factor: double.NaN } => "each link grown as its forecast says",
        Growth g => string.Create(CultureInfo.InvariantCulture, $"traffic x{g.Factor:0.##}{Of(g.Targets)}"),
        Spike s => string.Create(CultureInfo.InvariantCulture, $"spike x{s.Factor:0.##}{Of(s.Targets)} from {s.From:0%} to {s.To:0%} of the run"),
        NewSite n => $"new site {n.Name} (like {n.CloneOf}) on {string.Join(", ", n.AttachTo)}",
        Capacity c => string.Create(CultureInfo.InvariantCulture, $"link {c.Link} at {c.Gbps:0.##} Gbit/s"),
        _ => GetType().Name,
    };

    private static string Of(IReadOnlyList<string> targets) => targets.Count == 0 ? string.Empty : " on " + string.Join(", ", targets);

    private static double Number(string raw, string text, string what, double min, double max)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value) || value < min || value > max)
        {
            throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"'{raw}': {what} '{text}' must be a number {min}..{max}"));
        }

        return value;
    }

    private static string[] List(string text) => text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    private static Growth ParseGrowth(string raw, string body)
    {
        if (body.Equals("forecast", StringComparison.OrdinalIgnoreCase))
        {
            // Templates that hold forecasts grow each link by its own forecast growth.
            return new Growth(double.NaN, ["forecast"]);
        }

        var at = body.Split('@', 2);
        return new Growth(Number(raw, at[0], "factor", 0, 1000), at.Length > 1 ? List(at[1]) : []);
    }

    private static Spike ParseSpike(string raw, string body)
    {
        var at = body.Split('@', 2);
        if (at.Length < 2)
        {
            throw new FormatException($"'{raw}': a spike needs its targets: spike:FACTOR@T1,T2[/FROM-TO]");
        }

        var window = at[1].Split('/', 2);
        var (from, to) = (0.4, 0.6);
        if (window.Length > 1)
        {
            var ends = window[1].Split('-', 2);
            if (ends.Length != 2)
            {
                throw new FormatException($"'{raw}': the window must be FROM-TO as fractions of the run, for example 0.4-0.6");
            }

            (from, to) = (Number(raw, ends[0], "start", 0, 1), Number(raw, ends[1], "end", 0, 1));
            if (to <= from)
            {
                throw new FormatException($"'{raw}': the window ends before it starts");
            }
        }

        return new Spike(Number(raw, at[0], "factor", 0, 1000), List(window[0]), from, to);
    }

    private static NewSite ParseNewSite(string raw, string body)
    {
        var eq = body.Split('=', 2);
        var at = eq.Length == 2 ? eq[1].Split('@', 2) : [];
        if (eq.Length != 2 || at.Length != 2 || eq[0].Length == 0 || at[0].Length == 0 || List(at[1]).Length == 0)
        {
            throw new FormatException($"'{raw}': write new-site:NAME=CLONE@ATTACH1,ATTACH2");
        }

        return new NewSite(eq[0], at[0], List(at[1]));
    }

    private static Capacity ParseCapacity(string raw, string body)
    {
        var eq = body.Split('=', 2);
        if (eq.Length != 2 || eq[0].Length == 0)
        {
            throw new FormatException($"'{raw}': write capacity:LINK=GBPS");
        }

        return new Capacity(eq[0], Number(raw, eq[1], "capacity", 0, 1e6));
    }
}

/// <summary>A named set of changes run together.</summary>
public sealed record WhatIf(string Name, IReadOnlyList<WhatIfChange> Changes)
{
    public static WhatIf Baseline { get; } = new("baseline", []);

    public static WhatIf Parse(string text) => new(text, WhatIfChange.Parse(text));
}
