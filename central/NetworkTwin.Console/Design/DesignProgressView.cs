using NetworkTwin.Analytics.Design;
using Spectre.Console;

namespace NetworkTwin.Console.Design;

/// <summary>A design run's progress as bars, one per stage, whether it runs here or at the coordinator.</summary>
internal static class DesignProgressView
{
    public static async Task<T> ShowAsync<T>(IAnsiConsole console, Func<IProgress<DesignOperations.RunProgress>, Task<T>> run)
    {
        T result = default!;
        await console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async ctx =>
            {
                var tasks = new Dictionary<string, ProgressTask>(StringComparer.Ordinal);
                var gate = new Lock();
                result = await run(new DirectProgress<DesignOperations.RunProgress>(p =>
                {
                    // The recommender's stages are its patterns: one bar for all of them.
                    var key = p.Stage.StartsWith("sizing ", StringComparison.Ordinal) ? "patterns" : p.Stage;
                    lock (gate)
                    {
                        if (!tasks.TryGetValue(key, out var task))
                        {
                            task = ctx.AddTask(Markup.Escape(key), maxValue: Math.Max(1, p.Total));
                            tasks[key] = task;
                        }

                        task.Description = Markup.Escape(p.Stage);
                        task.Value = p.Done;
                    }
                })).ConfigureAwait(false);
                foreach (var task in tasks.Values)
                {
                    task.Value = task.MaxValue;
                }
            }).ConfigureAwait(false);
        return result;
    }
}
