using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;

namespace LodeDb.VectorData.Tests;

/// <summary>
/// IncludeVectors: records come back with the vector the re-score sidecar keeps (the normalised
/// vector at float16 or int8 precision); without a sidecar, or for an embedded text property, a
/// NotSupportedException says why.
/// </summary>
public sealed class IncludeVectorsTests
{
    /// <summary>Not unit length, so the expectations show the normalisation.</summary>
    private static float[] Raw(int seed) => TestVectors.Random(seed, 8).Select(x => x * 3.5f).ToArray();

    /// <summary>What LodeDb stores for a vector before the sidecar: each coordinate times 1 / norm, in double, rounded to float.</summary>
    private static float[] Normalised(float[] v)
    {
        double sum = v.Sum(x => (double)x * x);
        double scale = 1.0 / Math.Sqrt(sum);
        return v.Select(x => (float)(x * scale)).ToArray();
    }

    private static float[] Float16(float[] v) => Normalised(v).Select(x => (float)(Half)x).ToArray();

    /// <summary>The int8 row: scale = largest magnitude / 127, codes rounded to nearest, decoded as code * scale.</summary>
    private static float[] Int8(float[] v)
    {
        float[] n = Normalised(v);
        float scale = n.Max(MathF.Abs) / 127f;
        float inverse = 1f / scale;
        return n.Select(x => Math.Clamp(MathF.Round(x * inverse), -127f, 127f) * scale).ToArray();
    }

    private static async Task<VectorStoreCollection<string, Hotel>> Hotels(LodeVectorStore store)
    {
        var hotels = store.GetCollection<string, Hotel>("hotels");
        await hotels.EnsureCollectionExistsAsync();
        await hotels.UpsertAsync(Enumerable.Range(0, 5).Select(i => new Hotel { HotelId = $"h{i}", Rating = i, Embedding = Raw(i) }));
        return hotels;
    }

    [Test]
    public async Task Float16_sidecar_gives_back_the_normalised_vector_rounded_to_half()
    {
        using var folder = new TestFolder();
        using (var store = LodeVectorStore.Open(folder.Path, new LodeVectorStoreOptions { Rescore = RescoreStorage.Float16 }))
        {
            var hotels = await Hotels(store);
            Hotel got = (await hotels.GetAsync("h2", new RecordRetrievalOptions { IncludeVectors = true }))!;
            Assert.That(got.Embedding.ToArray(), Is.EqualTo(Float16(Raw(2))), "exact: float16 of the normalised vector");
            Assert.That(got.Embedding.ToArray(), Is.Not.EqualTo(Raw(2)), "not the vector as given (it was not unit length)");

            Hotel plain = (await hotels.GetAsync("h2"))!;
            Assert.That(plain.Embedding.IsEmpty, Is.True, "without IncludeVectors the vector stays unset");

            var hits = await hotels.SearchAsync(Raw(3), 5, new() { IncludeVectors = true }).ToListAsync();
            Assert.That(hits, Has.Count.EqualTo(5));
            foreach (var hit in hits)
            {
                int i = int.Parse(hit.Record.HotelId[1..]);
                Assert.That(hit.Record.Embedding.ToArray(), Is.EqualTo(Float16(Raw(i))), hit.Record.HotelId);
            }

            var filtered = await hotels.GetAsync(h => h.Rating >= 3, 10, new() { IncludeVectors = true }).ToListAsync();
            Assert.That(filtered.Select(h => h.HotelId), Is.EqualTo(new[] { "h3", "h4" }));
            Assert.That(filtered[1].Embedding.ToArray(), Is.EqualTo(Float16(Raw(4))));

            var hybrid = await ((IKeywordHybridSearchable<Hotel>)hotels).HybridSearchAsync(Raw(1), ["none"], 1, new() { IncludeVectors = true }).ToListAsync();
            Assert.That(hybrid.Single().Record.Embedding.ToArray(), Is.EqualTo(Float16(Raw(1))));
        }

        using var reopened = LodeVectorStore.Open(folder.Path, new LodeVectorStoreOptions { ReadOnly = true });
        Hotel again = (await reopened.GetCollection<string, Hotel>("hotels").GetAsync("h4", new RecordRetrievalOptions { IncludeVectors = true }))!;
        Assert.That(again.Embedding.ToArray(), Is.EqualTo(Float16(Raw(4))), "the same after a reopen");
    }

    [Test]
    public async Task Int8_sidecar_gives_back_the_normalised_vector_at_int8_precision_in_every_vector_type()
    {
        using var folder = new TestFolder();
        using var store = LodeVectorStore.Open(folder.Path, new LodeVectorStoreOptions { Rescore = RescoreStorage.Int8 });
        var hotels = await Hotels(store);
        Hotel got = (await hotels.GetAsync("h1", new RecordRetrievalOptions { IncludeVectors = true }))!;
        Assert.That(got.Embedding.ToArray(), Is.EqualTo(Int8(Raw(1))));

        var arrays = store.GetCollection<string, ArrayVector>("arrays");
        await arrays.EnsureCollectionExistsAsync();
        await arrays.UpsertAsync(new ArrayVector { Key = "a", Vector = Raw(7) });
        ArrayVector array = (await arrays.GetAsync("a", new RecordRetrievalOptions { IncludeVectors = true }))!;
        Assert.That(array.Vector, Is.EqualTo(Int8(Raw(7))));

        var embeddings = store.GetCollection<string, EmbeddingVector>("embeddings");
        await embeddings.EnsureCollectionExistsAsync();
        await embeddings.UpsertAsync(new EmbeddingVector { Key = "e", Embedding = new Embedding<float>(Raw(8)) });
        EmbeddingVector embedding = (await embeddings.GetAsync("e", new RecordRetrievalOptions { IncludeVectors = true }))!;
        Assert.That(embedding.Embedding!.Vector.ToArray(), Is.EqualTo(Int8(Raw(8))));
    }

    [Test]
    public async Task Without_a_sidecar_IncludeVectors_says_how_to_enable_it()
    {
        using var folder = new TestFolder();
        using var store = LodeVectorStore.Open(folder.Path);
        var hotels = await Hotels(store);
        var ex = Assert.ThrowsAsync<NotSupportedException>(() => hotels.GetAsync("h1", new RecordRetrievalOptions { IncludeVectors = true }));
        Assert.That(ex!.Message, Does.Contain("IncludeVectors").And.Contain("Rescore = RescoreStorage.Float16"));
        Assert.ThrowsAsync<NotSupportedException>(async () => await hotels.SearchAsync(Raw(1), 1, new() { IncludeVectors = true }).ToListAsync());
        Assert.ThrowsAsync<NotSupportedException>(async () => await hotels.GetAsync(h => true, 1, new() { IncludeVectors = true }).ToListAsync());
        Assert.That(await hotels.GetAsync("h1"), Is.Not.Null, "without IncludeVectors it works");
    }

    [Test]
    public async Task An_embedded_text_vector_property_cannot_be_read_back()
    {
        using var folder = new TestFolder();
        using var store = LodeVectorStore.Open(folder.Path, new LodeVectorStoreOptions { EmbeddingGenerator = TextFixture.Embedder.Value, Rescore = RescoreStorage.Float16 });
        var notes = store.GetCollection<Guid, Note>("notes");
        await notes.EnsureCollectionExistsAsync();
        var ex = Assert.ThrowsAsync<NotSupportedException>(() => notes.GetAsync(Guid.NewGuid(), new RecordRetrievalOptions { IncludeVectors = true }));
        Assert.That(ex!.Message, Does.Contain("embedding generator's input"));
    }

    public sealed class ArrayVector
    {
        [VectorStoreKey] public string Key { get; set; } = "";
        [VectorStoreVector(8)] public float[] Vector { get; set; } = [];
    }

    public sealed class EmbeddingVector
    {
        [VectorStoreKey] public string Key { get; set; } = "";
        [VectorStoreVector(8)] public Embedding<float>? Embedding { get; set; }
    }
}
