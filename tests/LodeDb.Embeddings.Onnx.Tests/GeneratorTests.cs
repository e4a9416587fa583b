using Microsoft.Extensions.AI;

namespace LodeDb.Embeddings.Onnx.Tests;

/// <summary>The IEmbeddingGenerator surface: metadata, model id, dimension, query prefix.</summary>
public sealed class GeneratorTests
{
    [Test]
    public void Dimension_is_the_model_hidden_size()
    {
        using var embedder = new OnnxTextEmbedder(RepositoryPaths.TextBert);

        Assert.Multiple(() =>
        {
            Assert.That(embedder.Dimension, Is.EqualTo(ExpectedOutputs.HiddenSize));
            Assert.That(embedder.Embed(["car"])[0], Has.Length.EqualTo(ExpectedOutputs.HiddenSize));
        });
    }

    [Test]
    public void Metadata_reports_provider_model_id_and_dimension()
    {
        using var embedder = new OnnxTextEmbedder(RepositoryPaths.TextBert, new OnnxTextEmbedderOptions { ModelId = "fixture/text-bert" });
        IEmbeddingGenerator<string, Embedding<float>> generator = embedder;

        var metadata = (EmbeddingGeneratorMetadata?)generator.GetService(typeof(EmbeddingGeneratorMetadata));

        Assert.Multiple(() =>
        {
            Assert.That(metadata, Is.Not.Null);
            Assert.That(metadata!.ProviderName, Is.EqualTo("onnxruntime"));
            Assert.That(metadata.DefaultModelId, Is.EqualTo("fixture/text-bert"));
            Assert.That(metadata.DefaultModelDimensions, Is.EqualTo(32));
            Assert.That(metadata.ProviderUri!.LocalPath.TrimEnd('/'), Is.EqualTo(RepositoryPaths.TextBert.TrimEnd('/')));
            Assert.That(generator.GetService(typeof(OnnxTextEmbedder)), Is.SameAs(embedder));
            Assert.That(generator.GetService(typeof(string)), Is.Null);
        });
    }

    [Test]
    public void Model_id_defaults_to_the_folder_name()
    {
        using var embedder = new OnnxTextEmbedder(RepositoryPaths.TextBert);

        Assert.That(embedder.ModelId, Is.EqualTo("text-bert"));
    }

    [Test]
    public async Task GenerateAsync_returns_one_embedding_per_input_with_the_model_id()
    {
        using var embedder = new OnnxTextEmbedder(RepositoryPaths.TextBert, new OnnxTextEmbedderOptions { ModelId = "fixture" });
        IEmbeddingGenerator<string, Embedding<float>> generator = embedder;
        string[] texts = ["car mechanic", "dog food", "car mechanic"];

        GeneratedEmbeddings<Embedding<float>> result = await generator.GenerateAsync(texts);
        float[][] direct = embedder.Embed(texts);

        Assert.That(result, Has.Count.EqualTo(3));
        for (int i = 0; i < texts.Length; i++)
        {
            Assert.That(result[i].ModelId, Is.EqualTo("fixture"));
            Assert.That(result[i].Dimensions, Is.EqualTo(32));
            Assert.That(result[i].Vector.ToArray(), Is.EqualTo(direct[i]));
        }
    }

    [Test]
    public void GenerateAsync_rejects_another_dimension()
    {
        using var embedder = new OnnxTextEmbedder(RepositoryPaths.TextBert);

        Assert.That(async () => await embedder.GenerateAsync(["car"], new EmbeddingGenerationOptions { Dimensions = 64 }),
            Throws.ArgumentException.With.Message.Contains("32"));
    }

    [Test]
    public async Task Query_prefix_applies_to_queries_only()
    {
        string prefix = TextModelPresets.BgeQueryPrefix;
        using var embedder = new OnnxTextEmbedder(RepositoryPaths.TextBert, new OnnxTextEmbedderOptions { Pooling = PoolingMode.Cls, QueryPrefix = prefix });
        int unknown = File.ReadAllLines(Path.Combine(RepositoryPaths.TextBert, "vocab.txt")).ToList().IndexOf("[UNK]");

        float[] query = await embedder.EmbedQueryAsync("car mechanic");
        float[] document = (await embedder.EmbedDocumentsAsync(["car mechanic"]))[0];
        float[] prefixedDocument = embedder.Embed([prefix + "car mechanic"])[0];
        GeneratedEmbeddings<Embedding<float>> viaOptions = await embedder.GenerateAsync(["car mechanic"],
            new EmbeddingGenerationOptions { AdditionalProperties = new() { [OnnxTextEmbedder.PurposePropertyKey] = "query" } });

        Assert.Multiple(() =>
        {
            Assert.That(embedder.Tokenize(prefix), Does.Not.Contain(unknown), "the fixture vocabulary knows the bge instruction");
            Assert.That(VectorMath.MaxAbsDifference(query, prefixedDocument), Is.LessThan(1e-6));
            Assert.That(VectorMath.MaxAbsDifference(query, document), Is.GreaterThan(1e-3));
            Assert.That(viaOptions[0].Vector.ToArray(), Is.EqualTo(query));
        });
    }

    [Test]
    public async Task Without_a_prefix_query_and_document_are_the_same()
    {
        using var embedder = new OnnxTextEmbedder(RepositoryPaths.TextBert);

        float[] query = await embedder.EmbedQueryAsync("dog food");
        float[] document = (await embedder.EmbedDocumentsAsync(["dog food"]))[0];

        Assert.That(query, Is.EqualTo(document));
    }
}
