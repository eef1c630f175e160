using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Options;
using NetworkTwin.Agent.Configuration;
using NetworkTwin.Analytics.Fronthaul;

namespace NetworkTwin.Agent.Live;

/// <summary>
/// The agent's live picture: one <see cref="CellWindow"/> per cell, fed row by row by every
/// source, and the latest evaluation of the window (link discovery, clock alignment, capacity
/// sizing; see <see cref="WindowEvaluator"/>).
/// </summary>
internal sealed class LiveTwin(IOptions<AgentOptions> options)
{
    /// <summary>Cells beyond this are refused, so a flood of bogus cell ids cannot exhaust memory.</summary>
    public const int MaxCells = 512;

    private readonly AgentOptions _options = options.Value;
    private AgentOptions.AnalysisOptions _analysis = options.Value.Analysis;
    private readonly ConcurrentDictionary<int, CellWindow> _cells = new();
    private readonly Lock _evaluationGate = new();

    /// <summary>How often evaluations have actually run lately (the spacing of the results the coordinator receives).</summary>
    public EvaluationCadence Cadence { get; } = new();
    private WindowEvaluator? _evaluator;
    private Evaluation? _latest;
    private long _evaluations;
    private string? _lastError;

    public IngestCounters Counters { get; } = new();

    public LatencyRecorder Latency { get; } = new();

    public double WindowSeconds => _options.Window.Seconds;

    /// <summary>The analysis settings in force (the configuration's, or the coordinator's since).</summary>
    public AgentOptions.AnalysisOptions Analysis => Volatile.Read(ref _analysis);

    /// <summary>Puts new (validated) analysis settings in force from the next evaluation on.</summary>
    public void Reconfigure(AgentOptions.AnalysisOptions analysis)
    {
        lock (_evaluationGate)
        {
            Volatile.Write(ref _analysis, analysis);
            _evaluator = null;
        }
    }

    public IReadOnlyCollection<CellWindow> Cells => [.. _cells.Values.OrderBy(c => c.CellId)];

    public Evaluation? Latest => Volatile.Read(ref _latest);

    public long Evaluations => Interlocked.Read(ref _evaluations);

    public string? LastEvaluationError => Volatile.Read(ref _lastError);

    /// <summary>The cell's window, created on first use; null when <see cref="MaxCells"/> are already live.</summary>
    public CellWindow? Cell(int cellId)
    {
        if (_cells.TryGetValue(cellId, out var cell))
        {
            return cell;
        }

        return _cells.Count >= MaxCells
            ? null
            : _cells.GetOrAdd(cellId, id => new CellWindow(id, _options.Window.Seconds, _options.Analysis.MaxClockOffsetSeconds));
    }

    /// <summary>Newest DU time seen (seconds), the end of the window.</summary>
    public double? DataTimeSeconds
    {
        get
        {
            var newest = _cells.Values.Select(c => c.NewestSymbol).DefaultIfEmpty(long.MinValue).Max();
            return newest == long.MinValue ? null : newest * SymbolGrid.SymbolSeconds;
        }
    }

    /// <summary>
    /// Runs the analysis over the current window on the calling thread (set to one core, so
    /// <see cref="Evaluation.AllocatedBytes"/> counts what it allocated). Returns null when there
    /// is nothing to analyse yet. One evaluation at a time: the evaluator reuses its buffers.
    /// </summary>
    /// <param name="targetGbps">Each link's capacity target, if any (its loss at the target is measured too).</param>
    public Evaluation? Evaluate(Func<int, double?>? targetGbps = null)
    {
        lock (_evaluationGate)
        {
            // Stamped with when the window was taken, so "evaluated after X" means "saw everything before X".
            var takenAt = DateTimeOffset.UtcNow;
            var clock = Stopwatch.StartNew();
            var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            var cells = _cells.Values.OrderBy(c => c.CellId).ToList();
            if (cells.Count == 0)
            {
                return null;
            }

            _evaluator ??= new WindowEvaluator(cells[0].WindowSymbols, AgentOptionsValidator.ToFronthaulOptions(_analysis));
            try
            {
                var result = _evaluator.Evaluate(cells, targetGbps);
                if (result is null)
                {
                    return null;
                }

                var evaluation = new Evaluation(result.Value.Report, takenAt, clock.Elapsed.TotalMilliseconds, result.Value.DataTimeSeconds, GC.GetAllocatedBytesForCurrentThread() - allocatedBefore)
                {
                    LossAtTargetPercent = result.Value.LossAtTargetPercent,
                };
                Volatile.Write(ref _latest, evaluation);
                Volatile.Write(ref _lastError, null);
                Interlocked.Increment(ref _evaluations);
                Cadence.Record(takenAt);
                return evaluation;
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or InvalidDataException)
            {
                // Too little data in the window for the analysis: keep the last good result.
                Volatile.Write(ref _lastError, ex.Message);
                return null;
            }
        }
    }

    /// <param name="At">When the window was taken (the analysis saw every row applied before it).</param>
    public sealed record Evaluation(FronthaulReport Report, DateTimeOffset At, double ElapsedMs, double DataTimeSeconds, long AllocatedBytes)
    {
        /// <summary>Per link with a capacity target: the buffer model's loss (percent) on the window's traffic at that target.</summary>
        public IReadOnlyDictionary<int, double> LossAtTargetPercent { get; init; } = new Dictionary<int, double>();
    }
}
