using System.Collections.Concurrent;

namespace LodeDb.Tests.Async;

/// <summary>
/// A synchronization context like a UI thread's: continuations posted to it run only on its own
/// thread, and only when that thread is not busy, so a thread that blocks on a task whose awaits
/// resume here waits forever. <see cref="Run"/> runs an action on such a thread.
/// </summary>
internal sealed class SingleThreadContext : SynchronizationContext
{
    private readonly BlockingCollection<(SendOrPostCallback Callback, object? State)> _posted = new();

    public override void Post(SendOrPostCallback d, object? state) => _posted.Add((d, state));

    public override void Send(SendOrPostCallback d, object? state) => throw new NotSupportedException("The test context takes posts only.");

    /// <summary>
    /// Runs <paramref name="action"/> on a new thread that owns a fresh context; returns whether it
    /// finished within <paramref name="limit"/> (its exception, if any, is rethrown). A thread that
    /// did not finish is deadlocked: the posts it waits for are then run here to release it.
    /// </summary>
    public static bool Run(Action action, TimeSpan limit)
    {
        var context = new SingleThreadContext();
        Exception? error = null;
        var thread = new Thread(() =>
        {
            SetSynchronizationContext(context);
            try
            {
                action();
            }
            catch (Exception ex)
            {
                error = ex;
            }
        })
        { IsBackground = true, Name = "single-thread-context" };
        thread.Start();
        bool finished = thread.Join(limit);
        if (!finished)
        {
            // Release the deadlocked thread by running what it waits for elsewhere.
            while (thread.IsAlive)
            {
                if (context._posted.TryTake(out var posted, TimeSpan.FromMilliseconds(100)))
                {
                    posted.Callback(posted.State);
                }
            }
        }

        if (error is not null)
        {
            throw new AggregateException(error);
        }

        return finished;
    }
}
