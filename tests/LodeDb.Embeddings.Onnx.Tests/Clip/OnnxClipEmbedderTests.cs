using LodeDb.Embeddings.Onnx.Images;
using Microsoft.Extensions.AI;

namespace LodeDb.Embeddings.Onnx.Tests.Clip;

/// <summary>
/// Both towers end to end on the fixture: the real tokenizer, the real preprocessing and the two
/// ONNX Runtime sessions, against the script's numpy values and its meaning by construction.
/// </summary>
public sealed class OnnxClipEmbedderTests
{
    private static DataContent Png(string name) => new(ClipFixture.ImageBytes(name), "image/png") { Name = name };

    private static async Task<float[]> EmbedTextAsync(OnnxClipEmbedder embedder, string text) =>
        (await ((IEmbeddingGenerator<string, Embedding<float>>)embedder).GenerateAsync([text]))[0].Vector.ToArray();

    [Test]
    public void Dimension_and_name_come_from_the_model()
    {
        using OnnxClipEmbedder embedder = ClipFixture.Open();

        Assert.Multiple(() =>
        {
            Assert.That(embedder.Dimension, Is.EqualTo(ClipFixture.Dimension));
            Assert.That(embedder.ModelName, Is.EqualTo("clip"));
            Assert.That(embedder.IsVisionLoaded, Is.False);
            var metadata = (EmbeddingGeneratorMetadata)embedder.GetService(typeof(EmbeddingGeneratorMetadata))!;
            Assert.That(metadata.DefaultModelDimensions, Is.EqualTo(ClipFixture.Dimension));
        });
    }

    [Test]
    public async Task Text_embeddings_match_the_script()
    {
        using OnnxClipEmbedder embedder = ClipFixture.Open(new OnnxClipEmbedderOptions { TextBatchSize = 3 });
        IEmbeddingGenerator<string, Embedding<float>> generator = embedder;

        GeneratedEmbeddings<Embedding<float>> embeddings = await generator.GenerateAsync(ClipFixture.Texts.Select(t => t.Text));

        Assert.That(embeddings, Has.Count.EqualTo(ClipFixture.Texts.Count));
        Assert.Multiple(() =>
        {
            for (int i = 0; i < embeddings.Count; i++)
            {
                float[] vector = embeddings[i].Vector.ToArray();
                Assert.That(VectorMath.MaxAbsDifference(vector, ClipFixture.Texts[i].TextEmbeds), Is.LessThan(1e-4), ClipFixture.Texts[i].Text);
                Assert.That(VectorMath.Norm(vector), Is.EqualTo(1.0).Within(1e-5));
            }
        });
        Assert.That(embedder.IsVisionLoaded, Is.False, "text use must not create the vision session");
    }

    [Test]
    public async Task A_text_tower_without_attention_mask_gets_input_ids_padded_with_the_end_token()
    {
        // That tower sums every position, padding included: only the end token as pad gives the script's values.
        using OnnxClipEmbedder embedder = ClipFixture.Open(new OnnxClipEmbedderOptions { TextModelFile = "onnx/text_model_no_mask.onnx" });

        GeneratedEmbeddings<Embedding<float>> embeddings = await ((IEmbeddingGenerator<string, Embedding<float>>)embedder).GenerateAsync(ClipFixture.Texts.Select(t => t.Text));

        Assert.Multiple(() =>
        {
            for (int i = 0; i < embeddings.Count; i++)
            {
                Assert.That(VectorMath.MaxAbsDifference(embeddings[i].Vector.ToArray(), ClipFixture.Texts[i].TextEmbedsNoMask), Is.LessThan(1e-4), ClipFixture.Texts[i].Text);
            }
        });
    }

    [Test]
    public async Task Image_embeddings_match_the_script()
    {
        using OnnxClipEmbedder embedder = ClipFixture.Open(new OnnxClipEmbedderOptions { ImageBatchSize = 3 });
        IEmbeddingGenerator<DataContent, Embedding<float>> generator = embedder;

        GeneratedEmbeddings<Embedding<float>> embeddings = await generator.GenerateAsync(ClipFixture.Images.Select(i => Png(i.Name)));

        Assert.That(embedder.IsVisionLoaded, Is.True);
        Assert.Multiple(() =>
        {
            for (int i = 0; i < embeddings.Count; i++)
            {
                Assert.That(VectorMath.MaxAbsDifference(embeddings[i].Vector.ToArray(), ClipFixture.Images[i].ImageEmbeds), Is.LessThan(1e-4), ClipFixture.Images[i].Name);
                Assert.That(embeddings[i].ModelId, Is.EqualTo("clip"));
            }
        });
    }

    [Test]
    public async Task Text_finds_its_image_and_an_image_finds_its_near_duplicate()
    {
        using OnnxClipEmbedder embedder = ClipFixture.Open();
        string[] names = ClipFixture.Images.Select(i => i.Name).Where(n => n != "red_circle_near").ToArray();
        GeneratedEmbeddings<Embedding<float>> images = await ((IEmbeddingGenerator<DataContent, Embedding<float>>)embedder).GenerateAsync(names.Select(Png));
        float[] near = (await ((IEmbeddingGenerator<DataContent, Embedding<float>>)embedder).GenerateAsync([Png("red_circle_near")]))[0].Vector.ToArray();

        string Nearest(float[] query) => names[Enumerable.Range(0, names.Length).MaxBy(i => VectorMath.Cosine(query, images[i].Vector.ToArray()))];

        Assert.Multiple(async () =>
        {
            Assert.That(Nearest(await EmbedTextAsync(embedder, "a red circle")), Is.EqualTo("red_circle"));
            Assert.That(Nearest(await EmbedTextAsync(embedder, "A photo of a blue square")), Is.EqualTo("blue_square"));
            Assert.That(Nearest(await EmbedTextAsync(embedder, "green circles")), Is.EqualTo("green_circle"));
            Assert.That(Nearest(await EmbedTextAsync(embedder, "a red square")), Is.EqualTo("red_square"));
            Assert.That(Nearest(near), Is.EqualTo("red_circle"));
        });
    }

    [Test]
    public async Task Concurrent_first_images_share_one_vision_session_and_agree()
    {
        using OnnxClipEmbedder embedder = ClipFixture.Open();
        IEmbeddingGenerator<DataContent, Embedding<float>> generator = embedder;
        float[] expected = ClipFixture.Images.Single(i => i.Name == "blue_square").ImageEmbeds;

        GeneratedEmbeddings<Embedding<float>>[] results = await Task.WhenAll(Enumerable.Range(0, 4)
            .Select(_ => Task.Run(() => generator.GenerateAsync([Png("blue_square"), Png("red_circle")]))));

        Assert.Multiple(() =>
        {
            Assert.That(embedder.IsVisionLoaded, Is.True);
            foreach (GeneratedEmbeddings<Embedding<float>> result in results)
            {
                Assert.That(VectorMath.MaxAbsDifference(result[0].Vector.ToArray(), expected), Is.LessThan(1e-4));
            }
        });
    }

    [Test]
    public void Bad_images_fail_before_the_vision_session_is_created()
    {
        using OnnxClipEmbedder embedder = ClipFixture.Open();
        IEmbeddingGenerator<DataContent, Embedding<float>> generator = embedder;
        DataContent good = Png("red_circle");

        Assert.Multiple(() =>
        {
            Assert.That(async () => await generator.GenerateAsync([good, new DataContent(TestImages.PngHeader(20000, 20000), "image/png")]),
                Throws.InstanceOf<InvalidImageException>().With.Property(nameof(InvalidImageException.Reason)).EqualTo(InvalidImageReason.TooLarge)
                    .And.Message.Contains("images[1]"));
            Assert.That(async () => await generator.GenerateAsync([new DataContent("hello"u8.ToArray(), "image/png")]),
                Throws.InstanceOf<InvalidImageException>().With.Property(nameof(InvalidImageException.Reason)).EqualTo(InvalidImageReason.UnsupportedFormat));
            Assert.That(async () => await generator.GenerateAsync([new DataContent(ClipFixture.ImageBytes("red_circle"), "text/plain")]),
                Throws.InstanceOf<InvalidImageException>().With.Message.Contains("text/plain"));
            Assert.That(async () => await generator.GenerateAsync([]), Throws.ArgumentException.With.Message.Contains("empty"));
            Assert.That(embedder.IsVisionLoaded, Is.False);
        });
    }

    [Test]
    public void A_small_pixel_limit_refuses_an_ordinary_image()
    {
        using OnnxClipEmbedder embedder = ClipFixture.Open(new OnnxClipEmbedderOptions { MaxImagePixels = 100 * 100 });

        Assert.That(async () => await ((IEmbeddingGenerator<DataContent, Embedding<float>>)embedder).GenerateAsync([Png("red_circle")]),
            Throws.InstanceOf<InvalidImageException>().With.Property(nameof(InvalidImageException.Reason)).EqualTo(InvalidImageReason.TooLarge));
    }

    [Test]
    public void Missing_preset_names_the_pull_command()
    {
        using var root = new TempFolder();

        var error = Assert.Throws<ModelNotFoundException>(() => OnnxClipEmbedder.ForPreset(ClipModelPresets.Clip, root.Path))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Message, Does.Contain("lodedb models pull clip"));
            Assert.That(error.PullCommand, Is.EqualTo("lodedb models pull clip"));
            Assert.That(error.Preset, Is.EqualTo("clip"));
        });
    }

    [Test]
    public void A_missing_vision_tower_is_reported_at_construction()
    {
        using var root = new TempFolder();
        string folder = Path.Combine(root.Path, "clip");
        ClipFixture.CopyTo(folder, ClipFixture.PresetFiles.Where(f => !f.Contains("vision", StringComparison.Ordinal)));

        var error = Assert.Throws<ModelNotFoundException>(() => OnnxClipEmbedder.ForPreset(ClipModelPresets.Clip with { Dimension = ClipFixture.Dimension }, root.Path))!;

        Assert.That(error.MissingPath, Does.EndWith("vision_model.onnx"));
    }

    [Test]
    public void A_preset_of_another_dimension_is_rejected_with_the_pull_command()
    {
        using var root = new TempFolder();
        ClipFixture.CopyTo(Path.Combine(root.Path, "clip"));

        Assert.That(() => OnnxClipEmbedder.ForPreset(ClipModelPresets.Clip, root.Path),
            Throws.InstanceOf<ModelFormatException>().With.Message.Contains("512").And.Message.Contains("lodedb models pull clip"));
    }

    [Test]
    public void A_bert_model_is_not_a_clip_text_tower()
    {
        using var root = new TempFolder();
        ClipFixture.CopyTo(root.Path, ClipFixture.PresetFiles.Where(f => !f.Contains("text_model", StringComparison.Ordinal)));
        File.Copy(Path.Combine(RepositoryPaths.TextBert, "onnx", "model.onnx"), Path.Combine(root.Path, "onnx", "text_model.onnx"));

        Assert.That(() => new OnnxClipEmbedder(root.Path), Throws.InstanceOf<ModelFormatException>().With.Message.Contains("token_type_ids"));
    }

    [Test]
    public void Disposed_embedder_refuses_calls()
    {
        OnnxClipEmbedder embedder = ClipFixture.Open();
        embedder.Dispose();

        Assert.That(async () => await ((IEmbeddingGenerator<string, Embedding<float>>)embedder).GenerateAsync(["red"]), Throws.InstanceOf<ObjectDisposedException>());
    }
}
