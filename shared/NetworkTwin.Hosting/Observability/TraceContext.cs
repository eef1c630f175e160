using System.Diagnostics;

namespace NetworkTwin.Hosting.Observability;

/// <summary>
/// A span's context carried inside a message or a stored row as a W3C <c>traceparent</c> string, where the gRPC
/// headers cannot carry it: one uplink stream carries many batches, a downlink stream many commands, and a
/// decision is made long after the results it rests on were stored.
/// </summary>
public static class TraceContext
{
    /// <summary>Longer than any traceparent the W3C format defines (55 characters in version 00) with room for later versions.</summary>
    private const int MaxLength = 256;

    /// <summary>The span's traceparent, or empty when there is no span (tracing off) or it is not in the W3C format.</summary>
    public static string Of(Activity? activity) =>
        activity is { IdFormat: ActivityIdFormat.W3C, Id: { } id } ? id : string.Empty;

    /// <summary>The remote context a traceparent names; <c>default</c> (a new trace) when it is empty, malformed or too long.</summary>
    public static ActivityContext Parse(string? traceParent) =>
        !string.IsNullOrEmpty(traceParent) && traceParent.Length <= MaxLength && ActivityContext.TryParse(traceParent, null, isRemote: true, out var context)
            ? context
            : default;

    /// <summary>
    /// Starts a span under the context a message carried. A message without one (tracing off at the sender, or an
    /// older peer) starts a new trace rather than joining whatever span happens to be current.
    /// </summary>
    public static Activity? StartFrom(ActivitySource source, string name, ActivityKind kind, string? traceParent, IEnumerable<ActivityLink>? links = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        var parent = Parse(traceParent);
        if (parent == default && source.HasListeners())
        {
            // An explicit root: without this the span would become a child of Activity.Current (the stream's span). The new
            // span is current while it runs and, being a root, leaves no span current when it stops.
            Activity.Current = null;
        }

        return source.StartActivity(name, kind, parent, links: links);
    }
}
