using System.Collections.Concurrent;
using System.Diagnostics;

namespace NetworkTwin.Analytics.WhatIfs;

/// <summary>Runs many what-ifs of one template in parallel on the available cores, reporting progress; results come back in the order asked.</summary>
public static class ScenarioRunner
{
    public sealed record Run(IReadOnlyList<ScenarioResult> Results, IReadOnlyList<(WhatIf WhatIf, string Error)> Failed, double Seconds, int Parallelism);

    public static Run RunAll(IScenarioTemplate template, IReadOnlyList<WhatIf> whatIfs, int maxParallelism = -1, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(whatIfs);
        var parallelism = maxParallelism > 0 ? maxParallelism : Environment.ProcessorCount;
        var results = new ScenarioResult?[whatIfs.Count];
        var failed = new ConcurrentBag<(int, WhatIf, string)>();
        var done = 0;
        var clock = Stopwatch.StartNew();
        Parallel.For(0, whatIfs.Count, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken }, i =>
        {
            try
            {
                results[i] = template.Run(whatIfs[i]);
            }
            catch (ArgumentException ex)
            {
                // A change that does not fit (an unknown link, say) fails its own what-if, not the whole run.
                failed.Add((i, whatIfs[i], ex.Message));
            }

            progress?.Report(Interlocked.Increment(ref done));
        });
        return new Run([.. results.OfType<ScenarioResult>()], [.. failed.OrderBy(f => f.Item1).Select(f => (f.Item2, f.Item3))], clock.Elapsed.TotalSeconds, parallelism);
    }
}
