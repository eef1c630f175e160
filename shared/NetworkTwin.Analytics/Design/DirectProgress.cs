namespace NetworkTwin.Analytics.Design;

/// <summary>
/// Reports straight through, on the reporting thread (<see cref="Progress{T}"/> would post each report to a
/// synchronization context or the thread pool): what the design runs report their stages with, here and at the
/// coordinator.
/// </summary>
public sealed class DirectProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
