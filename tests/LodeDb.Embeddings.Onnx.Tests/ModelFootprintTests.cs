using LodeDb.Embeddings.Onnx.Tests.Clip;
using Microsoft.Extensions.AI;

namespace LodeDb.Embeddings.Onnx.Tests;

/// <summary>The embedders' <see cref="ModelFootprint"/>: the bytes of the model files behind their open sessions.</summary>
public sealed class ModelFootprintTests
{
    private static long Size(string folder, string file) => new FileInfo(Path.Combine(folder, file)).Length;

    [Test]
    public void The_text_embedder_reports_its_model_file()
    {
        using var embedder = new OnnxTextEmbedder(RepositoryPaths.TextBert);
        var footprint = (ModelFootprint?)((IEmbeddingGenerator<string, Embedding<float>>)embedder).GetService(typeof(ModelFootprint));
        Assert.That(footprint, Is.EqualTo(new ModelFootprint(Size(RepositoryPaths.TextBert, "onnx/model.onnx"))));
        Assert.That(embedder.GetService(typeof(ModelFootprint), "keyed"), Is.Null);
    }

    [Test]
    public async Task The_CLIP_embedder_counts_the_vision_model_once_its_session_exists()
    {
        using OnnxClipEmbedder embedder = ClipFixture.Open();
        long text = Size(ClipFixture.Folder, "onnx/text_model.onnx");
        long vision = Size(ClipFixture.Folder, "onnx/vision_model.onnx");
        Assert.That(embedder.GetService(typeof(ModelFootprint)), Is.EqualTo(new ModelFootprint(text)), "the vision session is created on the first image");

        await ((IEmbeddingGenerator<DataContent, Embedding<float>>)embedder).GenerateAsync([new DataContent(ClipFixture.ImageBytes("red_circle"), "image/png")]);
        Assert.That(embedder.GetService(typeof(ModelFootprint)), Is.EqualTo(new ModelFootprint(text + vision)));
    }
}
