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
        finally
        {
            _gate.ExitReadLock();
        }
    }
}
