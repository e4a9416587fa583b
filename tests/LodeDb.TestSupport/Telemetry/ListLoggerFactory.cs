using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace LodeDb.TestSupport;

/// <summary>One log event as a test sees it: level, event id, category, formatted message, structured values.</summary>
public sealed record LogEntry(LogLevel Level, EventId EventId, string Category, string Message, IReadOnlyDictionary<string, object?> Values);

/// <summary>An <see cref="ILoggerFactory"/> whose loggers keep every event in memory (thread-safe).</summary>
public sealed class ListLoggerFactory : ILoggerFactory
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyList<LogEntry> Entries => _entries.ToArray();

    public ILogger CreateLogger(string categoryName) => new ListLogger(categoryName, _entries);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

    public void Dispose()
    {
    }

    private sealed class ListLogger(string category, ConcurrentQueue<LogEntry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = new Dictionary<string, object?>();
            if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
            {
                foreach ((string key, object? value) in pairs)
                {
                    values[key] = value;
                }
            }

            entries.Enqueue(new LogEntry(logLevel, eventId, category, formatter(state, exception), values));
        }
    }
}
