using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace NetworkTwin.Hosting;

/// <summary>
/// Checks configuration keys against the options classes they bind to, before anything binds: a key no class has
/// (<c>Mqtt:Hots</c>, with the closest real key suggested) and a value its property cannot take (<c>Mqtt:Port=abc</c>)
/// are each reported with the key, all at once, instead of the binder's exception on the first one.
/// The check reads the options classes' public properties by reflection. A natively compiled service keeps them by
/// naming every options class it checks in <see cref="DynamicDependencyAttribute"/>s beside its call (the agent's
/// <c>AgentHost.Problems</c>; a test holds that list to the classes the check reaches).
/// </summary>
public static class ConfigurationCheck
{
    private const string KeptByCaller = "The options classes' public properties are kept by the [DynamicDependency] list beside each natively compiled caller, which a test holds complete.";

    /// <summary>Every problem under the given sections; empty when they bind cleanly.</summary>
    public static IReadOnlyList<string> Problems(IConfiguration configuration, params (string Section, Type Options)[] sections) =>
        Check(configuration, sections).Select(p => p.Message).ToList();

    /// <summary>
    /// The configuration without the keys that have a problem, so that binding it cannot throw and the checks of the
    /// values that are fine still run (and report their own problems) beside the ones <see cref="Problems"/> names.
    /// </summary>
    public static IConfiguration Bindable(IConfiguration configuration, params (string Section, Type Options)[] sections) =>
        Bindable(configuration, out _, sections);

    /// <summary><see cref="Bindable(IConfiguration, ValueTuple{string, Type}[])"/> and <see cref="Problems"/> from one walk of the keys.</summary>
    public static IConfiguration Bindable(IConfiguration configuration, out IReadOnlyList<string> problems, params (string Section, Type Options)[] sections)
    {
        var found = Check(configuration, sections);
        problems = found.Select(p => p.Message).ToList();
        var bad = found.Select(p => p.Key).ToList();
        bool Bad(string key) => bad.Exists(b => key.Equals(b, StringComparison.OrdinalIgnoreCase) || key.StartsWith(b + ":", StringComparison.OrdinalIgnoreCase));
        var kept = configuration.AsEnumerable().Where(pair => pair.Value is not null && !Bad(pair.Key));
        return new ConfigurationBuilder().AddInMemoryCollection(kept).Build();
    }

    private static List<(string Key, string Message)> Check(IConfiguration configuration, (string Section, Type Options)[] sections)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(sections);
        var problems = new List<(string, string)>();
        foreach (var (name, type) in sections)
        {
            Members(configuration.GetSection(name), type, name, problems);
        }

        return problems;
    }

    [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = KeptByCaller)]
    private static void Members(IConfigurationSection section, Type type, string path, List<(string Key, string Message)> problems)
    {
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0).ToList();
        foreach (var child in section.GetChildren())
        {
            var key = $"{path}:{child.Key}";
            var property = properties.FirstOrDefault(p => string.Equals(p.Name, child.Key, StringComparison.OrdinalIgnoreCase));
            if (property is null || !(property.CanWrite || IsContainer(property.PropertyType)))
            {
                var closest = Names.Closest(child.Key, properties.Where(p => p.CanWrite || IsContainer(p.PropertyType)).Select(p => p.Name));
                problems.Add((key, closest is null ? $"{key} is not a setting" : $"{key} is not a setting (did you mean {path}:{closest}?)"));
                continue;
            }

            Value(child, property.PropertyType, key, problems);
        }
    }

    private static void Value(IConfigurationSection section, Type type, string key, List<(string Key, string Message)> problems)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (IsScalar(target))
        {
            // null in a JSON file (unset) is fine; keys below a single value are not.
            if (section.GetChildren().Any())
            {
                problems.Add((key, $"{key} takes one value, not a section"));
            }

            if (section.Value is { Length: > 0 } text && target != typeof(string) && !Converts(text, target))
            {
                problems.Add((key, $"{key}={text} is not {Describe(target)}"));
            }

            return;
        }

        if (ElementOf(target) is { } element)
        {
            foreach (var item in section.GetChildren())
            {
                Value(item, element, $"{key}:{item.Key}", problems);
            }

            return;
        }

        Members(section, target, key, problems);
    }

    /// <summary>Whether a property of this type binds from one value (else from child keys).</summary>
    public static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan) || type == typeof(DateTimeOffset)
        || type == typeof(DateTime) || type == typeof(Guid) || type == typeof(Uri);

    /// <summary>Arrays, lists and dictionaries bind from child keys: the element type of each child, or null for a class.</summary>
    public static Type? ElementOf(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        if (!type.IsGenericType || !typeof(IEnumerable).IsAssignableFrom(type))
        {
            return null;
        }

        var arguments = type.GetGenericArguments();
        return arguments.Length == 2 ? arguments[1] : arguments[0];
    }

    private static bool IsContainer(Type type) => !IsScalar(Nullable.GetUnderlyingType(type) ?? type);

    /// <summary>Whether the binder can read <paramref name="value"/> as <paramref name="type"/>: the parse it uses, invariant culture.</summary>
    private static bool Converts(string value, Type type)
    {
        var invariant = CultureInfo.InvariantCulture;
        if (type.IsEnum)
        {
            return Enum.TryParse(type, value, ignoreCase: true, out _);
        }

        return Type.GetTypeCode(type) switch
        {
            TypeCode.Boolean => bool.TryParse(value, out _),
            TypeCode.Char => value.Length == 1,
            TypeCode.SByte => sbyte.TryParse(value, NumberStyles.Integer, invariant, out _),
            TypeCode.Byte => byte.TryParse(value, NumberStyles.Integer, invariant, out _),
            TypeCode.Int16 => short.TryParse(value, NumberStyles.Integer, invariant, out _),
            TypeCode.UInt16 => ushort.TryParse(value, NumberStyles.Integer, invariant, out _),
            TypeCode.Int32 => int.TryParse(value, NumberStyles.Integer, invariant, out _),
            TypeCode.UInt32 => uint.TryParse(value, NumberStyles.Integer, invariant, out _),
            TypeCode.Int64 => long.TryParse(value, NumberStyles.Integer, invariant, out _),
            TypeCode.UInt64 => ulong.TryParse(value, NumberStyles.Integer, invariant, out _),
            TypeCode.Single => float.TryParse(value, NumberStyles.Float, invariant, out _),
            TypeCode.Double => double.TryParse(value, NumberStyles.Float, invariant, out _),
            TypeCode.Decimal => decimal.TryParse(value, NumberStyles.Number, invariant, out _),
            TypeCode.DateTime => DateTime.TryParse(value, invariant, DateTimeStyles.None, out _),
            _ when type == typeof(TimeSpan) => TimeSpan.TryParse(value, invariant, out _),
            _ when type == typeof(DateTimeOffset) => DateTimeOffset.TryParse(value, invariant, DateTimeStyles.None, out _),
            _ when type == typeof(Guid) => Guid.TryParse(value, out _),
            _ when type == typeof(Uri) => Uri.TryCreate(value, UriKind.RelativeOrAbsolute, out _),
            _ => true,
        };
    }

    /// <summary>What a value of <paramref name="type"/> must look like, in words ("a whole number"), for configuration keys and CLI options alike.</summary>
    public static string Describe(Type type) => type switch
    {
        _ when type.IsEnum => "one of " + string.Join(", ", Enum.GetNames(type)),
        _ when type == typeof(bool) => "true or false",
        _ when type == typeof(int) || type == typeof(long) || type == typeof(short) => "a whole number",
        _ when type == typeof(uint) || type == typeof(ulong) || type == typeof(ushort) || type == typeof(byte) => "a whole number of 0 or more",
        _ when type == typeof(double) || type == typeof(float) || type == typeof(decimal) => "a number (with a dot as the decimal separator)",
        _ when type == typeof(TimeSpan) => "a time span such as 00:00:30",
        _ => "a " + type.Name,
    };
}
