using NetworkTwin.Mqtt;

namespace NetworkTwin.Telemetry.Replay;

/// <summary>How a capture is published.</summary>
public sealed record ReplayOptions
{
    public string Site { get; init; } = "site-1";

    /// <summary>1 = real time, 10 = ten times faster, 0 = as fast as the broker takes it.</summary>
    public double Speed { get; init; } = 1;

    /// <summary>Compact binary batches (stamped with the send time) instead of text lines.</summary>
    public bool Binary { get; init; }

    public MqttQos Qos { get; init; } = MqttQos.AtMostOnce;

    /// <summary>Data time gathered into one message per cell and kind.</summary>
    public double BatchMilliseconds { get; init; } = 10;

    /// <summary>Stop after this much data time; null replays everything.</summary>
    public double? LimitSeconds { get; init; }

    /// <summary>Added to every timestamp published: a second pass of the same capture continues the data time instead of going back.</summary>
    public double ShiftSeconds { get; init; }

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        var site = Contracts.Telemetry.TelemetryTopic.ValidateSite(Site);
        if (site is not null)
        {
            errors.Add($"--site: {site}.");
        }

        if (!(Speed is >= 0 and <= 10_000))
        {
            errors.Add($"--speed must be 0 (as fast as possible) or up to 10000 (got {Speed}).");
        }

        if (!(BatchMilliseconds is >= 0.5 and <= 10_000))
        {
            errors.Add($"--batch-ms must be 0.5..10000 (got {BatchMilliseconds}).");
        }

        if (LimitSeconds is <= 0)
        {
            errors.Add($"--seconds must be above 0 (got {LimitSeconds}).");
        }

        if (!(double.IsFinite(ShiftSeconds) && ShiftSeconds >= 0))
        {
            errors.Add($"the time shift must be 0 or more seconds (got {ShiftSeconds}).");
        }

        if (Qos == MqttQos.ExactlyOnce)
        {
            errors.Add("--qos must be 0 or 1.");
        }

        return errors;
    }
}
