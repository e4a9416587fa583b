namespace LodeDb;

/// <summary>The sidecar rows of an upsert: encoded from the normalised vectors before logging, checked before applying.</summary>
internal static class RescoreRows
{
    /// <summary>The sidecar rows of normalised vectors (the same floats the native encoder receives), or null without a sidecar.</summary>
    public static byte[]? Encode(RescoreStore? store, float[] normalized, int rows, int dim)
    {
        if (store is null)
        {
            return null;
        }

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

    /// <summary>Checks a batch's sidecar rows (kind and size; their values were checked when encoded or decoded) before anything of it is applied.</summary>
    public static void Check(RescoreStore? store, UpsertBatch batch)
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

    public static ReadOnlySpan<byte> Row(RescoreStore store, UpsertBatch batch, int chunk) =>
        batch.RescoreRows.AsSpan(chunk * store.RowBytes, store.RowBytes);
}
