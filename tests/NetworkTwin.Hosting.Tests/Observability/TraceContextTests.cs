using System.Diagnostics;
using NetworkTwin.Hosting.Observability;

namespace NetworkTwin.Hosting.Tests.Observability;

/// <summary>The trace context carried in messages and rows: what a receiver makes of good, missing and hostile values.</summary>
public sealed class TraceContextTests : IDisposable
{
    private readonly ActivitySource _source = new("NetworkTwin.Hosting.Tests.TraceContext");
    private readonly ActivityListener _listener;

    public TraceContextTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == _source.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose()
    {
        _listener.Dispose();
        _source.Dispose();
    }

    [Fact]
    public void StartFrom_CarriedContext_ContinuesTheSendersTrace()
    {
        using var sender = _source.StartActivity("send")!;
        var carried = TraceContext.Of(sender);
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-01$", carried);

        using var receiver = TraceContext.StartFrom(_source, "receive", ActivityKind.Consumer, carried)!;

        Assert.Equal((sender.TraceId, sender.SpanId), (receiver.TraceId, receiver.ParentSpanId));
        Assert.True(receiver.HasRemoteParent);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a traceparent")]
    [InlineData("00-00000000000000000000000000000000-0000000000000000-01")]
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b71692033")]
    public void StartFrom_MissingOrMalformedContext_StartsANewTraceInsteadOfJoiningTheCurrentSpan(string carried)
    {
        // Inside a long-lived stream's span, a message without a usable context must not become part of that stream's trace.
        using var stream = _source.StartActivity("stream")!;

        using var received = TraceContext.StartFrom(_source, "receive", ActivityKind.Consumer, carried)!;

        Assert.NotEqual(stream.TraceId, received.TraceId);
        Assert.Equal(default, received.ParentSpanId);
        Assert.Same(received, Activity.Current);
    }

    [Fact]
    public void Parse_OverlongValue_IsIgnored()
    {
        var valid = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        Assert.NotEqual(default, TraceContext.Parse(valid));
        Assert.Equal(default, TraceContext.Parse(valid + "-" + new string('a', 300)));
        Assert.Equal(default, TraceContext.Parse(null));
    }

    [Fact]
    public void Of_NoSpan_IsEmpty() => Assert.Equal(string.Empty, TraceContext.Of(null));

    [Fact]
    public void Validator_BadEndpointAndRatio_ReportsBothAtOnce()
    {
        var result = new TelemetryOptionsValidator().Validate(null, new TelemetryOptions { OtlpEndpoint = "collector:4317", TraceSampleRatio = 2 });

        Assert.True(result.Failed);
        Assert.Equal(2, result.Failures!.Count());
        Assert.Contains(result.Failures!, f => f.Contains("Telemetry:OtlpEndpoint must be an http:// or https:// URL", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.Contains("Telemetry:TraceSampleRatio must be between 0 and 1", StringComparison.Ordinal));
        Assert.True(new TelemetryOptionsValidator().Validate(null, new TelemetryOptions()).Succeeded);
    }
}
