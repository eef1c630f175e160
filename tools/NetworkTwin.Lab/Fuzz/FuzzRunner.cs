using System.Diagnostics;

namespace NetworkTwin.Lab.Fuzz;

/// <summary>What a fuzz run found: a crash (an exception the parser does not document), a hang or an allocation out of proportion.</summary>
public sealed record FuzzFinding(string Target, string Kind, string Signature, string Detail, byte[] Input);

/// <summary>One target's run: how many inputs, how they ended, the slowest and the hungriest, and the findings.</summary>
public sealed record FuzzReport(string Target, long Executions, long Refused, long Accepted, TimeSpan Elapsed, double SlowestMs, long MostAllocatedBytes, int CorpusSize, IReadOnlyList<FuzzFinding> Findings)
{
    public double PerSecond => Executions / Math.Max(Elapsed.TotalSeconds, 1e-9);
}

/// <summary>How long and how hard to fuzz one target.</summary>
public sealed record FuzzLimits
{
    public long MaxExecutions { get; init; } = long.MaxValue;

    public TimeSpan MaxTime { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>An input still running after this is a hang (the bound: 1 s per input).</summary>
    public TimeSpan HangAfter { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Bytes one input may make the parser allocate: this much plus 256 times its own size. 16 MiB is above what
    /// any parser needs for its fixed buffers (the packet-count parser's 1.25 MiB, a 10 s throughput grid); 64 MiB
    /// let a slot-CSV header reserve 57 MiB for columns it never filled.
    /// </summary>
    public long AllocationAllowance { get; init; } = 16L * 1024 * 1024;

    public int Seed { get; init; } = 1;

    /// <summary>A run stops early after this many distinct findings.</summary>
    public int MaxFindings { get; init; } = 20;
}

/// <summary>
/// Runs a target on its seeds, then on mutations of its corpus, on a worker thread the caller's thread
/// watches: an input that runs past <see cref="FuzzLimits.HangAfter"/> is reported as a hang and the run
/// stops (the worker is abandoned; it is a background thread). Inputs the parser accepted join the corpus,
/// so mutations build on well-formed input. Findings are distinct by kind, exception type and throwing frame.
/// </summary>
public static class FuzzRunner
{
    private const int MaxCorpus = 512;

    public static FuzzReport Run(FuzzTarget target, FuzzLimits limits, IProgress<long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(limits);
        var seeds = target.Seeds().Where(s => s.Length <= Mutator.MaxInputBytes).ToList();
        if (seeds.Count == 0)
        {
            seeds.Add([]);
        }

        var state = new State(target, limits, seeds);
        var worker = new Thread(state.Loop) { IsBackground = true, Name = $"fuzz-{target.Name}", Priority = ThreadPriority.BelowNormal };
        var clock = Stopwatch.StartNew();
        worker.Start();
        while (!worker.Join(100))
        {
            progress?.Report(Interlocked.Read(ref state.Executions));
            var started = Interlocked.Read(ref state.CurrentStartedTicks);
            if (started != 0 && Stopwatch.GetElapsedTime(started) > limits.HangAfter)
            {
                var input = state.Current ?? [];
                state.Add(new FuzzFinding(target.Name, "hang", "hang", $"still running after {limits.HangAfter.TotalSeconds:0.#} s", input));
                state.Stop = true;
                break;
            }
        }

        clock.Stop();
        return new FuzzReport(target.Name, Interlocked.Read(ref state.Executions), state.Refused, state.Accepted, clock.Elapsed, state.SlowestMs, state.MostAllocated, state.Corpus.Count, [.. state.Findings]);
    }

    private sealed class State(FuzzTarget target, FuzzLimits limits, List<byte[]> seeds)
    {
        public long Executions;
        public long CurrentStartedTicks;
        public volatile bool Stop;

        public List<byte[]> Corpus { get; } = [.. seeds];

        public List<FuzzFinding> Findings { get; } = [];

        public byte[]? Current { get; private set; }

        public long Refused { get; private set; }

        public long Accepted { get; private set; }

        public double SlowestMs { get; private set; }

        public long MostAllocated { get; private set; }

        public void Add(FuzzFinding finding)
        {
            lock (Findings)
            {
                if (!Findings.Any(f => f.Signature == finding.Signature))
                {
                    Findings.Add(finding);
                }
            }
        }

        public void Loop()
        {
            var mutator = new Mutator(limits.Seed, target.Dictionary);
            var clock = Stopwatch.StartNew();
            var index = 0;
            while (!Stop && Executions < limits.MaxExecutions && clock.Elapsed < limits.MaxTime)
            {
                var input = index < seeds.Count ? seeds[index++] : mutator.Next(Corpus);
                if (Execute(input) && index >= seeds.Count && Corpus.Count < MaxCorpus)
                {
                    Corpus.Add(input);
                }

                lock (Findings)
                {
                    if (Findings.Count >= limits.MaxFindings)
                    {
                        break;
                    }
                }
            }
        }

        /// <summary>Runs one input; true when the parser accepted it.</summary>
        private bool Execute(byte[] input)
        {
            Current = input;
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            var started = Stopwatch.GetTimestamp();
            Interlocked.Exchange(ref CurrentStartedTicks, started);
            var accepted = false;
            try
            {
                target.Run(input);
                accepted = true;
                Accepted++;
            }
            catch (Exception ex) when (target.IsRefusal(ex))
            {
                Refused++;
                if (string.IsNullOrWhiteSpace(ex.Message))
                {
                    Add(new FuzzFinding(target.Name, "silent refusal", $"silent:{ex.GetType().Name}", $"{ex.GetType().Name} without a message: the user is not told what is wrong", input));
                }
            }
            catch (Exception ex)
            {
                var frame = new StackTrace(ex, fNeedFileInfo: false).GetFrames().FirstOrDefault(f => f.GetMethod()?.DeclaringType?.Namespace?.StartsWith("NetworkTwin", StringComparison.Ordinal) == true)?.GetMethod();
                var where = frame is null ? "?" : $"{frame.DeclaringType?.Name}.{frame.Name}";
                Add(new FuzzFinding(target.Name, "crash", $"crash:{ex.GetType().Name}@{where}", $"{ex.GetType().Name} in {where}: {ex.Message}", input));
            }

            Interlocked.Exchange(ref CurrentStartedTicks, 0);
            var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var bytes = GC.GetAllocatedBytesForCurrentThread() - allocated;
            SlowestMs = Math.Max(SlowestMs, ms);
            MostAllocated = Math.Max(MostAllocated, bytes);
            if (ms > limits.HangAfter.TotalMilliseconds)
            {
                Add(new FuzzFinding(target.Name, "hang", "slow", $"{ms:0} ms for one input of {input.Length} bytes", input));
            }

            if (bytes > limits.AllocationAllowance + (256L * input.Length))
            {
                Add(new FuzzFinding(target.Name, "allocation", "allocation", $"{bytes / 1048576.0:0.0} MiB allocated for one input of {input.Length} bytes", input));
            }

            Interlocked.Increment(ref Executions);
            return accepted;
        }
    }
}
