using System.Globalization;

namespace LodeDb;

/// <summary>Exact re-scoring from the sidecar: encoding rows, re-ranking candidates, its files.</summary>
public sealed partial class LodeDatabase
{
    /// <summary>Candidates re-ranked from the sidecar when <see cref="LodeDbOptions.RescoreCandidates"/> is not set.</summary>
    public const int DefaultRescoreCandidates = 100;

    /// <summary>Largest accepted <see cref="LodeDbOptions.RescoreCandidates"/>.</summary>
    public const int MaxRescoreCandidates = 100_000;

    /// <summary>The index's re-score sidecar (recorded on create).</summary>
    public RescoreStorage Rescore => _identity.Rescore;

    private static string RescoreFileName(long generation) => string.Create(CultureInfo.InvariantCulture, $"{Key}.g{generation}.rescore");

    /// <summary>How many candidates the code scan returns when <paramref name="wanted"/> are needed.</summary>
    private int ScanDepth(int wanted, int allowedSlots) =>
        _rescore is null ? Math.Min(wanted, allowedSlots) : Math.Min(allowedSlots, Math.Max(wanted, _rescoreCandidates));

    /// <summary>The sidecar rows of normalised vectors (the same floats the native encoder receives), or null without a sidecar.</summary>
    private byte[]? EncodeRescoreRows(float[] normalized, int rows)
    {
        if (_rescore is not RescoreStore store)
        {
            return null;
        }

        int dim = Dimension;
        var encoded = new byte[checked(rows * store.RowBytes)];
        for (int r = 0; r < rows; r++)
        {
            RescoreCodec.Encode(store.Kind, normalized.AsSpan(r * dim, dim), encoded.AsSpan(r * store.RowBytes, store.RowBytes));
        }

        return encoded;
    }

    /// <summary>
    /// Replaces the code scan's scores of <paramref name="slots"/> by exact ones from the
    /// sidecar and sorts both best first (ties by slot). Call under the read lock.
    /// </summary>
    private void Rerank(ReadOnlySpan<float> query, Span<ulong> slots, Span<float> scores)
    {
        RescoreStore store = _rescore!;
        var ranked = new (float Score, ulong Slot)[slots.Length];
        byte[] row = new byte[store.RowBytes];
        float[] scratch = new float[Dimension];
        for (int i = 0; i < slots.Length; i++)
        {
            ranked[i] = (store.Score(query, checked((int)slots[i]), row, scratch), slots[i]);
        }

        Array.Sort(ranked, static (a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.Slot.CompareTo(b.Slot));
        for (int i = 0; i < ranked.Length; i++)
        {
            slots[i] = ranked[i].Slot;
            scores[i] = ranked[i].Score;
        }
    }

    /// <summary>Puts a batch's sidecar rows into the slots it was applied to.</summary>
    private static void CheckRescoreRows(RescoreStore? store, UpsertBatch batch)
    {
        if (store is null)
        {
            if (batch.RescoreRows is not null)
            {
                throw new FormatException("an upsert with re-score rows for an index without a sidecar");
            }

            return;
        }

        if (batch.RescoreRows is null)
        {
            throw new FormatException($"an upsert without the re-score rows this {store.Kind} index keeps");
        }

        if (batch.RescoreKind != store.Kind || batch.RescoreRows.Length != batch.ChunkCount * store.RowBytes)
        {
            throw new FormatException($"{batch.RescoreKind} re-score rows of {batch.RescoreRows.Length / batch.ChunkCount} bytes for a {store.Kind} sidecar of {store.RowBytes}");
        }
    }

    private static ReadOnlySpan<byte> RescoreRow(RescoreStore store, UpsertBatch batch, int chunk) =>
        batch.RescoreRows.AsSpan(chunk * store.RowBytes, store.RowBytes);

    /// <summary>Loads the base's sidecar named by the root (none when the identity records none).</summary>
    private void LoadRescore(CommitRoot root)
    {
        RescoreStorage kind = _identity.Rescore;
        if (kind == RescoreStorage.None)
        {
            return;
        }

        string path = System.IO.Path.Combine(_path, root.RescoreFile);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The re-score sidecar '{root.RescoreFile}' named by {RootFileName} is missing.", path);
        }

        _rescore = RescoreStore.Open(path, root.RescoreFile, kind, _identity.Dim, root.BaseGeneration, _rows.SlotCount);
    }

    /// <summary>Checkpoint step: writes the sidecar of generation <paramref name="next"/> and maps it in place of the current rows.</summary>
    private void WriteRescore(long next)
    {
        if (_rescore is not RescoreStore store)
        {
            return;
        }

        string name = RescoreFileName(next);
        string path = System.IO.Path.Combine(_path, name);
        store.Write(path, next, Sync);
        RescoreStore mapped = RescoreStore.Open(path, name, store.Kind, store.Dimension, next, store.SlotCount);
        store.Dispose();
        _rescore = mapped;
    }
}
