using LodeDb.Embeddings.Onnx.Tests.Download;
using Microsoft.Extensions.AI;

namespace LodeDb.Embeddings.Onnx.Tests.Clip;

/// <summary>The clip preset, the registry over every preset, and a pull of "clip" from the fake hub (environment: not parallel).</summary>
[NonParallelizable]
public sealed class ClipPresetTests
{
    [Test]
    public void Clip_preset_carries_the_contract_values()
    {
        ClipModelPreset clip = ClipModelPresets.Clip;

        Assert.Multiple(() =>
        {
            Assert.That(clip.Name, Is.EqualTo("clip"));
            Assert.That(clip.Repository, Is.EqualTo("Xenova/clip-vit-base-patch32"));
            Assert.That(clip.Dimension, Is.EqualTo(512));
            Assert.That(clip.Files, Is.EqualTo(ClipFixture.PresetFiles));
            Assert.That(clip.Revision, Does.Match("^[0-9a-f]{40}$"));
            Assert.That(clip.PullCommand, Is.EqualTo("lodedb models pull clip"));
        });
    }

    [Test]
    public void Registry_lists_every_preset()
    {
        Assert.Multiple(() =>
        {
            Assert.That(ModelPresets.Names, Is.EqualTo(new[] { "minilm", "bge", "clip" }));
            Assert.That(ModelPresets.All.Select(p => p.Name), Is.EqualTo(ModelPresets.Names));
            Assert.That(ModelPresets.Get("CLIP"), Is.InstanceOf<ClipModelPreset>());
            Assert.That(ModelPresets.Get("bge"), Is.InstanceOf<TextModelPreset>().And.Property("Dimension").EqualTo(768));
            Assert.That(ModelPresets.TryGet("gpt", out _), Is.False);
            Assert.That(() => ModelPresets.Get("gpt"), Throws.ArgumentException.With.Message.Contains("minilm, bge, clip"));
            Assert.That(TextModelPresets.TryGet("clip", out _), Is.False, "clip is not a text preset");
        });
    }

    [Test]
    public void Revision_is_overridable_by_environment()
    {
        string? old = Environment.GetEnvironmentVariable(ClipModelPresets.ClipRevisionVariable);
        try
        {
            Environment.SetEnvironmentVariable(ClipModelPresets.ClipRevisionVariable, "feedfeedfeedfeedfeedfeedfeedfeedfeedfeed");
            Assert.That(ClipModelPresets.Clip.Revision, Is.EqualTo("feedfeedfeedfeedfeedfeedfeedfeedfeedfeed"));
            Environment.SetEnvironmentVariable(ClipModelPresets.ClipRevisionVariable, null);
            Assert.That(ClipModelPresets.Clip.Revision, Is.EqualTo(ClipModelPresets.ClipDefaultRevision));
        }
        finally
        {
            Environment.SetEnvironmentVariable(ClipModelPresets.ClipRevisionVariable, old);
        }
    }

    [Test]
    public async Task Pull_clip_fetches_the_preset_files_into_a_folder_that_embeds()
    {
        using var root = new TempFolder();
        ClipModelPreset clip = ClipModelPresets.Clip;
        using var hub = new FakeHub(clip.Repository, clip.Revision);
        foreach (string file in clip.Files)
        {
            hub.Files[file] = new FakeFile(File.ReadAllBytes(Path.Combine(ClipFixture.Folder, file)), lfs: file.EndsWith(".onnx", StringComparison.Ordinal));
        }

        hub.Files["onnx/text_model_quantized.onnx"] = new FakeFile([1, 2, 3], lfs: true);
        hub.Files["tokenizer.json"] = new FakeFile("{}"u8.ToArray(), lfs: false);
        using var downloader = new ModelDownloader(new ModelDownloaderOptions { Endpoint = hub.Endpoint, Timeout = TimeSpan.FromSeconds(10) });

        ModelPullResult result = await downloader.PullAsync("clip", root.Path);

        Assert.Multiple(() =>
        {
            Assert.That(result.Preset, Is.EqualTo("clip"));
            Assert.That(result.ModelDirectory, Is.EqualTo(Path.Combine(root.Path, "clip")));
            Assert.That(result.Files.Select(f => f.Path), Is.EqualTo(clip.Files));
            Assert.That(hub.FileRequests("onnx/text_model_quantized.onnx"), Is.Empty, "a file outside the preset was fetched");
            Assert.That(hub.FileRequests("tokenizer.json"), Is.Empty);
        });

        using OnnxClipEmbedder embedder = OnnxClipEmbedder.ForPreset(clip with { Dimension = ClipFixture.Dimension }, root.Path);
        ClipTextCase sample = ClipFixture.Texts[0];
        float[] vector = (await ((IEmbeddingGenerator<string, Embedding<float>>)embedder).GenerateAsync([sample.Text]))[0].Vector.ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(embedder.ModelName, Is.EqualTo("Xenova/clip-vit-base-patch32"));
            Assert.That(VectorMath.MaxAbsDifference(vector, sample.TextEmbeds), Is.LessThan(1e-4));
        });
    }
}
