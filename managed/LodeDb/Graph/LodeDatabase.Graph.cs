using LodeDb.Graph;

namespace LodeDb;

/// <summary>The graph store's way into a handle: the same lock, store, commit log and embedder as every other call.</summary>
public sealed partial class LodeDatabase
{
    /// <summary>The options this handle was opened with.</summary>
    internal LodeDbOptions Options => _options;

    /// <summary>The handle's embedder (null on a vector-only or embedder-less handle).</summary>
    internal EmbedderHost Embedders => _embedders;

    internal Ranker Ranker => _ranker;

    /// <summary>Runs <paramref name="read"/> on the store under the read lock.</summary>
    internal T ReadStore<T>(Func<SlotStore, T> read)
    {
        _gate.EnterReadLock();
        try
        {
            ThrowIfUnusable();
            return read(Store);
        }
        finally
        {
            _gate.ExitReadLock();
        }
    }

    /// <summary>Runs <paramref name="write"/> on the store and its commit log under the write lock (a read-only handle refuses first).</summary>
    internal T WriteStore<T>(string operation, Func<SlotStore, CommitLog, T> write)
    {
        ThrowIfReadOnly(operation);
        _gate.EnterWriteLock();
        try
        {
            ThrowIfUnusable();
            return write(Store, _log);
        }
        finally
        {
            _gate.ExitWriteLock();
        }
    }

    /// <summary>Refuses a mutating call on a read-only handle before any work.</summary>
    internal void RequireWritable(string operation) => ThrowIfReadOnly(operation);

    /// <summary>The graph of a graph store (opened through <see cref="LodeGraph"/>).</summary>
    internal static GraphTable GraphOf(SlotStore store) => store.Graph ?? throw new InvalidOperationException("This folder holds no graph.");
}
