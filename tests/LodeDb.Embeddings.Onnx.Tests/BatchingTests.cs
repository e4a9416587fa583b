namespace LodeDb.Embeddings.Onnx.Tests;

public sealed class BatchingTests
{
    private static string[] Texts()
    {
        // Mixed lengths so batches are padded, more texts than one default batch (32).
        string[] words = ["car", "mechanic", "dog", "puppy", "doctor", "nurse", "pizza", "rain", "bank", "guitar", "the", "engine", "repair"];
        return Enumerable.Range(0, 45)
            .Select(i => string.Join(' ', Enumerable.Range(0, 1 + (i * 7 % 11)).Select(j => words[(i + j * 3) % words.Length])))
            .ToArray();
    }

    [TestCase(32)]
    [TestCase(5)]
    [TestCase(1)]
    public void A_batch_gives_the_same_vectors_as_one_by_one(int batchSize)
    {
        string[] texts = Texts();
        using var batched = new OnnxTextEmbedder(RepositoryPaths.TextBert, new OnnxTextEmbedderOptions { BatchSize = batchSize });
        using var single = new OnnxTextEmbedder(RepositoryPaths.TextBert);

        float[][] together = batched.Embed(texts);

        Assert.That(together, Has.Length.EqualTo(texts.Length));
        for (int i = 0; i < texts.Length; i++)
        {
            float[] alone = single.Embed([texts[i]])[0];
            Assert.That(VectorMath.MaxAbsDifference(together[i], alone), Is.LessThan(1e-6), $"text {i}: '{texts[i]}'");
        }
    }

    [Test]
    public void Results_keep_input_order_although_batches_are_sorted_by_length()
    {
        using var embedder = new OnnxTextEmbedder(RepositoryPaths.TextBert, new OnnxTextEmbedderOptions { BatchSize = 2 });
        string[] texts = ["the car mechanic repair the engine of the truck", "dog", "doctor and nurse", "pizza"];

        float[][] vectors = embedder.Embed(texts);
        float[][] reversed = embedder.Embed(texts.Reverse().ToArray());

        for (int i = 0; i < texts.Length; i++)
        {
            Assert.That(VectorMath.MaxAbsDifference(vectors[i], reversed[texts.Length - 1 - i]), Is.LessThan(1e-6));
        }
    }

    [Test]
    public async Task Concurrent_calls_from_several_threads_give_identical_vectors()
    {
        string[] texts = Texts();
        using var embedder = new OnnxTextEmbedder(RepositoryPaths.TextBert, new OnnxTextEmbedderOptions { BatchSize = 4 });
        float[][] baseline = texts.Select(t => embedder.Embed([t])[0]).ToArray();

        // Each worker embeds every text (single and in small batches) many times on the shared session.
        Task<List<(int Index, float[] Vector)>>[] workers = Enumerable.Range(0, 8).Select(w => Task.Run(() =>
        {
            var seen = new List<(int, float[])>();
            for (int round = 0; round < 5; round++)
            {
                for (int i = (w + round) % 3; i < texts.Length; i += 3)
                {
                    seen.Add((i, embedder.Embed([texts[i]])[0]));
                }

                float[][] all = embedder.Embed(texts);
                seen.AddRange(all.Select((v, i) => (i, v)));
            }

            return seen;
        })).ToArray();

        foreach (List<(int Index, float[] Vector)> results in await Task.WhenAll(workers))
        {
            foreach ((int index, float[] vector) in results)
            {
                Assert.That(VectorMath.MaxAbsDifference(vector, baseline[index]), Is.LessThan(1e-6), $"text {index}");
            }
        }
    }

    [Test]
    public void An_empty_batch_is_rejected()
    {
        using var embedder = new OnnxTextEmbedder(RepositoryPaths.TextBert);

        Assert.Multiple(() =>
        {
            Assert.That(() => embedder.Embed([]), Throws.ArgumentException.With.Message.Contains("empty"));
            Assert.That(async () => await embedder.GenerateAsync([]), Throws.ArgumentException.With.Message.Contains("empty"));
        });
    }

    [Test]
    public void A_null_text_is_rejected_naming_its_index()
    {
        using var embedder = new OnnxTextEmbedder(RepositoryPaths.TextBert);

        Assert.That(() => embedder.Embed(["car", null!]), Throws.ArgumentException.With.Message.Contains("texts[1]"));
    }

    [Test]
    public void An_empty_string_embeds_as_cls_sep()
    {
        using var embedder = new OnnxTextEmbedder(RepositoryPaths.TextBert);

        Assert.Multiple(() =>
        {
            Assert.That(embedder.Tokenize(string.Empty), Has.Count.EqualTo(2));
            Assert.That(VectorMath.Norm(embedder.Embed([string.Empty])[0]), Is.EqualTo(1.0).Within(1e-6));
        });
    }

    [Test]
    public void A_cancelled_token_stops_before_running_the_model()
    {
        using var embedder = new OnnxTextEmbedder(RepositoryPaths.TextBert);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.That(() => embedder.Embed(["car"], cancellationToken: cancelled.Token), Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public void Calls_after_dispose_throw_object_disposed()
    {
        var embedder = new OnnxTextEmbedder(RepositoryPaths.TextBert);
        embedder.Dispose();
        embedder.Dispose();

        Assert.That(() => embedder.Embed(["car"]), Throws.InstanceOf<ObjectDisposedException>());
    }
}
