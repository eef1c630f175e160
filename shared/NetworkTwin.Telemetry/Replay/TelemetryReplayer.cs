using System.Diagnostics;
using System.Globalization;
using System.Text.Unicode;
using NetworkTwin.Contracts.Telemetry;
using NetworkTwin.Mqtt;
using NetworkTwin.Mqtt.Client;

namespace NetworkTwin.Telemetry.Replay;

/// <summary>What a replay has done so far.</summary>
public sealed record ReplayProgress(double DataSeconds, double TotalSeconds, long Messages, long Rows);

/// <summary>
/// Publishes a capture to a broker as the RUs and DUs would: every <see cref="ReplayOptions.BatchMilliseconds"/>
/// of data time, one message per cell and kind on nt/&lt;site&gt;/&lt;cell&gt;/&lt;kind&gt;, paced against the
/// wall clock at the chosen speed.
/// </summary>
public static class TelemetryReplayer
{
    public static async Task<ReplayProgress> RunAsync(
        ReplaySource source, MqttClient client, ReplayOptions options, IProgress<ReplayProgress>? progress, CancellationToken cancellationToken)
    {
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, problems), nameof(options));
        }

        var end = options.LimitSeconds is { } limit ? Math.Min(source.EndSeconds, source.StartSeconds + limit) : source.EndSeconds;
        var total = Math.Max(0, end - source.StartSeconds);
        var step = options.BatchMilliseconds / 1000;
        var cursors = source.Cells.Select(_ => (Throughput: 0, Packets: 0)).ToArray();
        var topics = source.Cells.Select(c => (
            Throughput: new TelemetryTopic(options.Site, c.CellId, TelemetryKind.Throughput).ToString(),
            Packets: new TelemetryTopic(options.Site, c.CellId, TelemetryKind.PacketStats).ToString())).ToArray();
        var buffer = new byte[1 << 16];
        var shift = options.ShiftSeconds;
        var shifted = new double[256];
        long messages = 0;
        long rows = 0;
        var clock = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;
        for (var k = 0; ; k++)
        {
            var batchEnd = source.StartSeconds + ((k + 1) * step);
            var last = batchEnd >= end;
            var cutoff = last ? double.PositiveInfinity : batchEnd;
            for (var c = 0; c < source.Cells.Count; c++)
            {
                var cell = source.Cells[c];
                var (t0, p0) = cursors[c];
                var t1 = Advance(cell.ThroughputTimes, t0, cutoff, end);
                var p1 = Advance(cell.PacketTimes, p0, cutoff, end);
                cursors[c] = (t1, p1);
                if (t1 > t0)
                {
                    var payload = options.Binary
                        ? BinaryTelemetryBatch.EncodeThroughput(Times(cell.ThroughputTimes, t0, t1, shift, ref shifted), cell.Kbit.AsSpan(t0, t1 - t0), NowUnixNanos())
                        : Text(cell, TelemetryKind.Throughput, t0, t1, shift, ref buffer);
                    await client.PublishAsync(new MqttMessage(topics[c].Throughput, payload, options.Qos), cancellationToken).ConfigureAwait(false);
                    messages++;
                    rows += t1 - t0;
                }

                if (p1 > p0)
                {
                    var payload = options.Binary
                        ? BinaryTelemetryBatch.EncodePacketStats(
                            Times(cell.PacketTimes, p0, p1, shift, ref shifted), cell.Tx.AsSpan(p0, p1 - p0), cell.Rx.AsSpan(p0, p1 - p0), cell.TooLate.AsSpan(p0, p1 - p0), NowUnixNanos())
                        : Text(cell, TelemetryKind.PacketStats, p0, p1, shift, ref buffer);
                    await client.PublishAsync(new MqttMessage(topics[c].Packets, payload, options.Qos), cancellationToken).ConfigureAwait(false);
                    messages++;
                    rows += p1 - p0;
                }
            }

            var dataDone = Math.Min(total, (k + 1) * step);
            if (clock.Elapsed - lastReport > TimeSpan.FromMilliseconds(100) || last)
            {
                progress?.Report(new ReplayProgress(dataDone, total, messages, rows));
                lastReport = clock.Elapsed;
            }

            if (last)
            {
                break;
            }

            if (options.Speed > 0)
            {
                var due = TimeSpan.FromSeconds(dataDone / options.Speed);
                var wait = due - clock.Elapsed;
                if (wait > TimeSpan.FromMilliseconds(1))
                {
                    await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        if (options.Qos == MqttQos.AtLeastOnce)
        {
            await client.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        return new ReplayProgress(total, total, messages, rows);
    }

    private static int Advance(double[] times, int from, double cutoff, double end)
    {
        var i = from;
        while (i < times.Length && times[i] < cutoff && times[i] <= end)
        {
            i++;
        }

        return i;
    }

    /// <summary>Rows [from, to) of a time column, shifted (the column itself when the shift is 0).</summary>
    private static ReadOnlySpan<double> Times(double[] times, int from, int to, double shift, ref double[] scratch)
    {
        if (shift == 0)
        {
            return times.AsSpan(from, to - from);
        }

        if (scratch.Length < to - from)
        {
            scratch = new double[Math.Max(to - from, scratch.Length * 2)];
        }

        for (var i = from; i < to; i++)
        {
            scratch[i - from] = times[i] + shift;
        }

        return scratch.AsSpan(0, to - from);
    }

    private static long NowUnixNanos() => (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;

    /// <summary>Rows [from, to) of one cell as the .dat text lines, in a buffer grown as needed.</summary>
    private static byte[] Text(ReplaySource.CellRows cell, TelemetryKind kind, int from, int to, double shift, ref byte[] buffer)
    {
        var at = 0;
        for (var i = from; i < to; i++)
        {
            int written;
            while (!WriteRow(buffer.AsSpan(at), cell, kind, i, shift, out written))
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }

            at += written;
        }

        return buffer.AsSpan(0, at).ToArray();
    }

    private static bool WriteRow(Span<byte> destination, ReplaySource.CellRows cell, TelemetryKind kind, int i, double shift, out int written) => kind == TelemetryKind.Throughput
        ? Utf8.TryWrite(destination, CultureInfo.InvariantCulture, $"{cell.ThroughputTimes[i] + shift:0.#########} {cell.Kbit[i]:R}\n", out written)
        : Utf8.TryWrite(destination, CultureInfo.InvariantCulture, $"{cell.PacketTimes[i] + shift:0.#########} {cell.Tx[i]} {cell.Rx[i]} {cell.TooLate[i]}\n", out written);
}
