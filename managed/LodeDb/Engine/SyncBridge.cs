namespace LodeDb;

/// <summary>
/// The one way a synchronous API waits for an asynchronous core (an embedder call). Blocking on
/// a task while the calling thread owns a <see cref="SynchronizationContext"/> (a UI thread, a
/// classic ASP.NET request) or a non-default <see cref="TaskScheduler"/> deadlocks when any
/// await inside the task resumes on that context, and an embedder is the caller's code, so its
/// awaits cannot be trusted to use <c>ConfigureAwait(false)</c>. In that case the core runs on
/// the thread pool, where nothing is captured; on a plain thread it runs inline.
/// </summary>
internal static class SyncBridge
{
    public static T Run<T>(Func<Task<T>> core)
    {
        if (SynchronizationContext.Current is null && TaskScheduler.Current == TaskScheduler.Default)
        {
            return core().GetAwaiter().GetResult();
        }

        return Task.Run(core).GetAwaiter().GetResult();
    }
}
