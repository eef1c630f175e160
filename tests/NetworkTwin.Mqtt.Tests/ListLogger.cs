using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace NetworkTwin.Mqtt.Tests;

/// <summary>Keeps every log line, so a test can assert what a field engineer would read.</summary>
internal sealed class ListLogger : ILogger
{
    public ConcurrentQueue<(LogLevel Level, string Message)> Lines { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        => Lines.Enqueue((logLevel, formatter(state, exception)));

    public bool Contains(string text) => Lines.Any(l => l.Message.Contains(text, StringComparison.Ordinal));
}
