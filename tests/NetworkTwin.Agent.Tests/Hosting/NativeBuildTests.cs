using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using NetworkTwin.Agent.Configuration;
using NetworkTwin.Agent.Hosting;
using NetworkTwin.Hosting;
using NetworkTwin.Mqtt.Client;

namespace NetworkTwin.Agent.Tests.Hosting;

/// <summary>
/// What the natively compiled agent needs that the JIT build would not notice: the configuration check reads the options
/// classes by reflection, and the native build keeps only the classes <see cref="AgentHost.Problems"/> names.
/// </summary>
public sealed class NativeBuildTests
{
    [Fact]
    public void Problems_KeepsEveryOptionsClassTheCheckReaches()
    {
        var reached = new HashSet<Type>();
        foreach (var section in new[] { typeof(AgentOptions), typeof(MqttClientOptions), typeof(NetworkTwin.Hosting.Observability.TelemetryOptions) })
        {
            Walk(section, reached);
        }

        var kept = typeof(AgentHost).GetMethod(nameof(AgentHost.Problems))!
            .GetCustomAttributes<DynamicDependencyAttribute>()
            .Where(d => d.MemberTypes.HasFlag(DynamicallyAccessedMemberTypes.PublicProperties))
            .Select(d => d.Type!)
            .ToHashSet();

        Assert.True(reached.Count >= 10, $"the walk reached only {reached.Count} classes");
        Assert.Empty(reached.Except(kept).Select(t => t.FullName));
    }

    private static void Walk(Type type, HashSet<Type> reached)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (ConfigurationCheck.IsScalar(target))
        {
            return;
        }

        if (ConfigurationCheck.ElementOf(target) is { } element)
        {
            Walk(element, reached);
            return;
        }

        if (!reached.Add(target))
        {
            return;
        }

        foreach (var property in target.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            Walk(property.PropertyType, reached);
        }
    }
}
