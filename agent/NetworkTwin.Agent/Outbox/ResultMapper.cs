using NetworkTwin.Agent.Live;
using NetworkTwin.Contracts.Sync;
using LiveCell = NetworkTwin.Agent.Live.CellWindow;
using SyncCell = NetworkTwin.Contracts.Sync.CellWindow;

namespace NetworkTwin.Agent.Outbox;

/// <summary>
/// Turns one window evaluation into the results the agent syncs: one per link, one per cell, and
/// one per cell that lost packets since its previous report (loss evidence for the coordinator), and
/// one per link forecast, and the measured effect of a capacity target once it is complete.
/// </summary>
internal static class ResultMapper
{
    public static List<Result> From(
        LiveTwin.Evaluation evaluation, IEnumerable<LiveCell> cells, double bufferMicros, double lossTarget, IEnumerable<LoadForecast>? forecasts = null, Func<int, double?>? targetGbps = null, IEnumerable<ControlEffect>? effects = null)
    {
        var produced = evaluation.At.ToUnixTimeMilliseconds();
        var list = new List<Result>();
        foreach (var link in evaluation.Report.Links)
        {
            var body = new LinkCapacity
            {
                LinkId = link.Id,
                CapacityGbps = link.CapacityGbps,
                CapacityNoBufferGbps = link.CapacityNoBufferGbps,
                PeakGbps = link.PeakGbps,
                MeanGbps = link.MeanGbps,
                ObservedLossPercent = link.ObservedLossPercent ?? double.NaN,
                BufferMicros = bufferMicros,
                LossTarget = lossTarget,
                TargetGbps = targetGbps?.Invoke(link.Id) ?? 0,
            };
            body.Cells.AddRange(link.Cells);
            list.Add(new Result { ProducedUnixMs = produced, WindowEndSeconds = evaluation.DataTimeSeconds, Link = body });
        }

        var placed = evaluation.Report.Cells.ToDictionary(c => c.Id);
        foreach (var cell in cells)
        {
            var (mean, loss) = cell.Live();
            var report = placed.GetValueOrDefault(cell.CellId);
            list.Add(new Result
            {
                ProducedUnixMs = produced,
                WindowEndSeconds = evaluation.DataTimeSeconds,
                Cell = new SyncCell
                {
                    CellId = cell.CellId,
                    LinkId = report?.Link ?? 0,
                    MeanGbps = mean,
                    LossPercent = loss ?? double.NaN,
                    ClockOffsetMs = report?.ClockOffsetMs ?? double.NaN,
                    OffsetReference = report?.OffsetReference ?? string.Empty,
                },
            });
            if (cell.TakeNewLossSlots() is { Count: > 0 } lossSlots)
            {
                list.Add(new Result { ProducedUnixMs = produced, WindowEndSeconds = evaluation.DataTimeSeconds, Loss = LossEventsCodec.Encode(cell.CellId, lossSlots) });
            }
        }

        foreach (var forecast in forecasts ?? [])
        {
            list.Add(new Result { ProducedUnixMs = produced, WindowEndSeconds = evaluation.DataTimeSeconds, Forecast = forecast });
        }

        foreach (var effect in effects ?? [])
        {
            list.Add(new Result { ProducedUnixMs = produced, WindowEndSeconds = evaluation.DataTimeSeconds, Effect = effect });
        }

        return list;
    }
}
