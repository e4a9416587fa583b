using LodeDb.Cli.Output;
using Microsoft.Extensions.AI;

namespace LodeDb.Cli.Commands.Export;

/// <summary>Reads every document of a database into export rows (in insertion order).</summary>
internal static class ExportRows
{
    /// <summary>Documents per GetTexts / embedding batch.</summary>
    private const int Batch = 256;

    public static async Task<IReadOnlyList<ExportRow>> ReadAsync(LodeDatabase db, bool withText, IEmbeddingGenerator<string, Embedding<float>>? embedder, CancellationToken cancellation)
    {
        IReadOnlyList<LodeRecord> records = db.List(null, 0, int.MaxValue);
        var rows = new List<ExportRow>(records.Count);
        bool sidecar = db.Rescore != RescoreStorage.None;
        for (int from = 0; from < records.Count; from += Batch)
        {
            cancellation.ThrowIfCancellationRequested();
            LodeRecord[] batch = [.. records.Skip(from).Take(Batch)];
            IReadOnlyList<string?> texts = db.StoresText && (withText || embedder is not null) ? db.GetTexts([.. batch.Select(r => r.Id)]) : new string?[batch.Length];
            float[]?[] embedded = new float[]?[batch.Length];
            if (embedder is not null)
            {
                int[] withStored = [.. Enumerable.Range(0, batch.Length).Where(i => texts[i] is not null)];
                GeneratedEmbeddings<Embedding<float>> vectors = await embedder.GenerateAsync([.. withStored.Select(i => texts[i]!)], cancellationToken: cancellation);
                for (int j = 0; j < withStored.Length; j++)
                {
                    embedded[withStored[j]] = Normalized(vectors[j].Vector.ToArray());
                }
            }

            for (int i = 0; i < batch.Length; i++)
            {
                LodeRecord record = batch[i];
                IReadOnlyList<float[]>? vectors = sidecar ? db.GetVectors(record.Id) : embedded[i] is float[] one ? [one] : null;
                rows.Add(new ExportRow
                {
                    Id = record.Id,
                    Text = withText ? texts[i] : null,
                    Metadata = JsonLine.Build(json => JsonLine.WriteObject(json, record.Metadata)),
                    Chunks = vectors?.Count ?? 0,
                    Vector = vectors is null ? null : [.. vectors.SelectMany(v => v)],
                });
            }
        }

        return rows;
    }

    private static float[] Normalized(float[] vector)
    {
        double norm = Math.Sqrt(vector.Sum(x => (double)x * x));
        if (norm > 0)
        {
            for (int i = 0; i < vector.Length; i++)
            {
                vector[i] = (float)(vector[i] / norm);
            }
        }

        return vector;
    }
}
