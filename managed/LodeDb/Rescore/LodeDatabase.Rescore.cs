using System.Buffers;
using System.Runtime.InteropServices;

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
            Span<byte> row = encoded.AsSpan(r * store.RowBytes, store.RowBytes);
            RescoreCodec.Encode(store.Kind, normalized.AsSpan(r * dim, dim), row);

            // Checked before the record is logged: a row no unit vector has is never written.
            if (RescoreCodec.RowProblem(store.Kind, row) is string problem)
            {
                throw new InvalidOperationException($"Re-score row {r} of a normalised vector is invalid: {problem}.");
            }
        }

        return encoded;
    }

    /// <summary>
    /// The code scan for <paramref name="kk"/> slots per query. Without a sidecar: the native
    /// search (its exact TurboQuant re-rank included). With one: the scan's candidates by their
    /// approximate scores only, since <see cref="Rerank"/> replaces every score anyway and the
    /// native re-rank would cost more than the whole scan at the default 100 candidates.
    /// </summary>
    private void ScanCodes(ReadOnlySpan<float> queries, int kk, ulong[]? mask, int threads, Span<ulong> slots, Span<float> scores, Span<uint> counts)
    {
        if (_rescore is null)
        {
            if (mask is null)
            {
                Index.Search(queries, kk, threads, slots, scores, counts);
            }
            else
            {
                Index.Search(queries, kk, mask, threads, slots, scores, counts);
            }
        }
        else if (mask is null)
        {
            Index.SearchCandidates(queries, kk, threads, slots, scores, counts);
        }
        else
        {
            Index.SearchCandidates(queries, kk, mask, threads, slots, scores, counts);
        }
    }

    /// <summary>
    /// Replaces the code scan's scores of <paramref name="slots"/> by exact ones from the
    /// sidecar and sorts both best first (ties by slot). Call under the read lock. Allocates
    /// nothing beyond one pooled buffer.
    /// </summary>
    private void Rerank(ReadOnlySpan<float> query, Span<ulong> slots, Span<float> scores)
    {
        RescoreStore store = _rescore!;
        int count = slots.Length;
        // One pooled buffer: the sort keys, then the decoded row (Dimension floats).
        ulong[] buffer = ArrayPool<ulong>.Shared.Rent(count + (Dimension + 1) / 2);
        try
        {
            Span<ulong> keys = buffer.AsSpan(0, count);
            Span<float> scratch = MemoryMarshal.Cast<ulong, float>(buffer.AsSpan(count))[..Dimension];
            store.Score(query, slots, scores, scratch);
            for (int i = 0; i < count; i++)
            {
                keys[i] = RankKey(scores[i], slots[i]);
            }

            keys.Sort();
            for (int i = 0; i < count; i++)
            {
                slots[i] = (uint)keys[i];
                scores[i] = KeyScore(keys[i]);
            }
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// A key whose ascending order is (score descending, slot ascending): the score's bits mapped
    /// to an order-preserving unsigned integer, inverted, above the slot (below 2^31). -0 counts
    /// as +0, as the float comparison does.
    /// </summary>
    internal static ulong RankKey(float score, ulong slot)
    {
        uint bits = BitConverter.SingleToUInt32Bits(score + 0f);
        uint ordered = (bits & 0x8000_0000u) != 0 ? ~bits : bits | 0x8000_0000u;
        return ((ulong)~ordered << 32) | slot;
    }

    internal static float KeyScore(ulong key)
    {
        uint ordered = ~(uint)(key >> 32);
        uint bits = (ordered & 0x8000_0000u) != 0 ? ordered & 0x7FFF_FFFFu : ~ordered;
        return BitConverter.UInt32BitsToSingle(bits);
    }

    /// <summary>Checks a batch's sidecar rows (kind and size; their values were checked when encoded or decoded) before anything of it is applied.</summary>
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
            throw MissingFile(root.RescoreFile, null);
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

        string name = GenerationFiles.Rescore(next);
        string path = System.IO.Path.Combine(_path, name);
        store.Write(path, next, Sync);
        RescoreStore mapped = RescoreStore.Open(path, name, store.Kind, store.Dimension, next, store.SlotCount);
        store.Dispose();
        _rescore = mapped;
    }
}
