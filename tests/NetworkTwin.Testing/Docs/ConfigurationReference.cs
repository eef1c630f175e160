using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using NetworkTwin.Hosting;

namespace NetworkTwin.Testing.Docs;

/// <summary>One configuration key as the reference documents it.</summary>
/// <param name="Key">The full key, such as Agent:Window:Seconds (Pins:&lt;key&gt; for a dictionary entry).</param>
/// <param name="Type">The property's type (the element type for dictionaries and lists).</param>
/// <param name="Range">What a number accepts, when the options class states it.</param>
/// <param name="Values">The words a text key accepts, when the options class states them.</param>
public sealed record ReferenceKey(string Key, Type Type, string Default, string Accepts, bool Remote, string Description, RangeAttribute? Range, AllowedValuesAttribute? Values);

/// <summary>The keys of one (sub)section, with the summary of its options class.</summary>
public sealed record ReferenceSection(string Path, string Description, IReadOnlyList<ReferenceKey> Keys);

/// <summary>
/// The configuration reference (docs/configuration.md) generated from the options classes: every key, its type, its
/// default (from a new instance), what it accepts (<see cref="RangeAttribute"/>, <see cref="AllowedValuesAttribute"/>),
/// whether the coordinator may change it remotely, and its description (the XML documentation of the property).
/// </summary>
public static partial class ConfigurationReference
{
    /// <summary>The sections under <paramref name="section"/>, bound to <paramref name="options"/>, depth first.</summary>
    public static IReadOnlyList<ReferenceSection> Sections(string section, Type options, Func<string, bool> remote)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(remote);
        var sections = new List<ReferenceSection>();
        Walk(section, options, Activator.CreateInstance(options), remote, sections);
        return sections;
    }

    /// <summary>The Markdown of a group of sections: a heading and a table each.</summary>
    public static string Markdown(string title, string introduction, IEnumerable<ReferenceSection> sections)
    {
        ArgumentNullException.ThrowIfNull(sections);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"## {title}\n\n{introduction}\n");
        foreach (var section in sections.Where(s => s.Keys.Count > 0))
        {
            text.Append(CultureInfo.InvariantCulture, $"\n### {section.Path}\n\n");
            if (section.Description.Length > 0)
            {
                text.Append(CultureInfo.InvariantCulture, $"{section.Description}\n\n");
            }

            text.Append("| Key | Type | Default | Accepts | Remote | Description |\n|---|---|---|---|---|---|\n");
            foreach (var key in section.Keys)
            {
                text.Append(CultureInfo.InvariantCulture, $"| `{key.Key}` | {Cell(Words(key.Type))} | {Cell(key.Default)} | {Cell(key.Accepts)} | {(key.Remote ? "yes" : "no")} | {Cell(key.Description)} |\n");
            }
        }

        return text.ToString();
    }

    private static void Walk(string path, Type type, object? instance, Func<string, bool> remote, List<ReferenceSection> sections)
    {
        var keys = new List<ReferenceKey>();
        var nested = new List<(string Path, Type Type, object? Value)>();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0))
        {
            var key = $"{path}:{property.Name}";
            var value = instance is null ? null : property.GetValue(instance);
            var target = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            var description = Summary(property);
            if (ConfigurationCheck.ElementOf(target) is { } element)
            {
                var dictionary = target.GetGenericArguments().Length == 2;
                var entry = dictionary ? $"{key}:<key>" : $"{key}:<n>";
                keys.Add(new ReferenceKey(entry, element, Format(value), dictionary ? "one entry per key" : "one entry per index", remote(key), description, null, null));
            }
            else if (ConfigurationCheck.IsScalar(target))
            {
                var range = property.GetCustomAttribute<RangeAttribute>();
                var values = property.GetCustomAttribute<AllowedValuesAttribute>();
                keys.Add(new ReferenceKey(key, target, Format(value), Accepts(target, range, values), remote(key), description, range, values));
            }
            else
            {
                nested.Add((key, target, value));
            }
        }

        sections.Add(new ReferenceSection(path, Summary(type), keys));
        foreach (var (childPath, childType, childValue) in nested)
        {
            Walk(childPath, childType, childValue, remote, sections);
        }
    }

    private static string Words(Type type) => type == typeof(string) ? "text" : ConfigurationCheck.Describe(type).Replace("a number (with a dot as the decimal separator)", "a number", StringComparison.Ordinal);

    private static string Accepts(Type type, RangeAttribute? range, AllowedValuesAttribute? values)
    {
        if (values is not null)
        {
            return string.Join(", ", values.Values.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)));
        }

        if (type == typeof(bool))
        {
            return "true, false";
        }

        if (range is null)
        {
            return "-";
        }

        var min = Number(range.Minimum);
        var max = Number(range.Maximum);
        var unbounded = range.Maximum is double.MaxValue or int.MaxValue or long.MaxValue;
        var low = range.MinimumIsExclusive ? $"above {min}" : null;
        var high = unbounded ? null : range.MaximumIsExclusive ? $"below {max}" : null;
        return (low, high, unbounded) switch
        {
            (null, null, false) => $"{min}..{max}",
            (null, null, true) => $"{min} or more",
            ({ } l, null, true) => l,
            ({ } l, null, false) => $"{l}, at most {max}",
            (null, { } h, _) => $"at least {min}, {h}",
            ({ } l, { } h, _) => $"{l}, {h}",
        };
    }

    private static string Number(object value) => value switch
    {
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty,
    };

    private static string Format(object? value) => value switch
    {
        null => "(none)",
        string { Length: 0 } => "(empty)",
        string s => s,
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IDictionary { Count: 0 } or ICollection { Count: 0 } => "(none)",
        IDictionary d => string.Join(", ", d.Keys.Cast<object>().Select(k => $"{k}={Format(d[k])}")),
        IEnumerable e => string.Join(", ", e.Cast<object?>().Select(Format)),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);

    /// <summary>The XML documentation summary of a property or type, as plain text (empty when it has none).</summary>
    private static string Summary(MemberInfo member)
    {
        var type = member as Type ?? member.DeclaringType!;
        var id = member is Type ? $"T:{Name(type)}" : $"P:{Name(type)}.{member.Name}";
        var summary = Documentation(type.Assembly)?.Descendants("member").FirstOrDefault(m => (string?)m.Attribute("name") == id)?.Element("summary");
        if (summary is null)
        {
            return string.Empty;
        }

        var text = new StringBuilder();
        foreach (var node in summary.Nodes())
        {
            text.Append(node switch
            {
                XText t => t.Value,
                XElement { Name.LocalName: "see" } see => Short((string?)see.Attribute("cref") ?? (string?)see.Attribute("langword") ?? string.Empty),
                XElement { Name.LocalName: "paramref" or "typeparamref" } p => (string?)p.Attribute("name") ?? string.Empty,
                XElement e => e.Value,
                _ => string.Empty,
            });
        }

        return Whitespace().Replace(text.ToString(), " ").Trim();
    }

    private static string Name(Type type) => type.FullName!.Replace('+', '.');

    private static string Short(string cref)
    {
        var name = cref.Split('(')[0];
        return name[(name.LastIndexOf('.') + 1)..];
    }

    private static readonly Dictionary<Assembly, XDocument?> Loaded = [];

    private static XDocument? Documentation(Assembly assembly)
    {
        lock (Loaded)
        {
            if (!Loaded.TryGetValue(assembly, out var document))
            {
                var file = Path.ChangeExtension(assembly.Location, ".xml");
                document = File.Exists(file) ? XDocument.Load(file) : null;
                Loaded[assembly] = document;
            }

            return document;
        }
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
