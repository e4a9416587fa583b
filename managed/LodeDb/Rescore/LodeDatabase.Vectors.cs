namespace LodeDb;

/// <summary>Reading stored vectors back (export): decoded from the re-score sidecar.</summary>
public sealed partial class LodeDatabase
{
    /// <summary>
    /// The vectors of document <paramref name="id"/>, one per row (chunk) in chunk order, as the
    /// re-score sidecar keeps them: unit length, to its precision (<see cref="RescoreStorage.Float16"/>:
    /// about 3 decimal digits; <see cref="RescoreStorage.Int8"/>: 1/127 of the largest coordinate).
    /// Null when no document has this id.
    /// </summary>
    /// <exception cref="InvalidOperationException">The index has no re-score sidecar (<see cref="Rescore"/> is None): it keeps only quantized codes, not vectors.</exception>
    public IReadOnlyList<float[]>? GetVectors(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        _gate.EnterReadLock();
        try
        {
            return VectorsOf(id);
        }
        finally
        {
            _gate.ExitReadLock();
        }
    }

    /// <summary>
    /// The record of document <paramref name="id"/> and its vectors (as <see cref="GetVectors"/>),
    /// read together under one lock, so a concurrent replace never pairs one version's record with
    /// another's vectors. Null when no document has this id.
    /// </summary>
    /// <exception cref="InvalidOperationException">The index has no re-score sidecar.</exception>
    public (LodeRecord Record, IReadOnlyList<float[]> Vectors)? GetWithVectors(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        _gate.EnterReadLock();
        try
        {
            return VectorsOf(id) is IReadOnlyList<float[]> vectors ? (Record(Store.Rows, id), vectors) : null;
        }
        finally
        {
            _gate.ExitReadLock();
        }
    }

    /// <summary>Decodes the sidecar rows of a document; the caller holds the read lock.</summary>
    private float[][]? VectorsOf(string id)
    {
        ThrowIfUnusable();
        if (Store.Rescore is not RescoreStore store)
        {
            throw new InvalidOperationException($"The database at '{_path}' keeps no vectors: it has no re-score sidecar (Rescore = None), only quantized codes. Re-embed the text through the model instead.");
        }

        int[] slots = Store.Rows.SlotsOf(id);
        if (slots.Length == 0)
        {
            return null;
        }

        var row = new byte[store.RowBytes];
        var vectors = new float[slots.Length][];
        for (int i = 0; i < slots.Length; i++)
        {
            store.ReadRow(slots[i], row);
            vectors[i] = new float[Dimension];
            RescoreCodec.Decode(store.Kind, row, vectors[i]);
        }

        return vectors;
    }
}
