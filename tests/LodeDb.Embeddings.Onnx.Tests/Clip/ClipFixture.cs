using System.Runtime.InteropServices;
using System.Text.Json;

namespace LodeDb.Embeddings.Onnx.Tests.Clip;

/// <summary>One text of the CLIP fixture's expected.json: ids before padding, the expected embedding, and that of the tower without attention_mask.</summary>
internal sealed record ClipTextCase(string Text, int Length, int[] InputIds, float[] TextEmbeds, float[] TextEmbedsNoMask);

/// <summary>One image of the CLIP fixture's expected.json.</summary>
internal sealed record ClipImageCase(string Image, int Width, int Height, float[] ImageEmbeds)
{
    public string Name => Path.GetFileNameWithoutExtension(Image);
}

/// <summary>The CLIP-shaped fixture written by tests/fixtures/make_clip_fixtures.py.</summary>
internal static class ClipFixture
{
    private static readonly Lazy<(int Dimension, int EndId, ClipTextCase[] Texts, ClipImageCase[] Images)> Expected = new(Load);

    /// <summary>The model folder: onnx/text_model.onnx, onnx/vision_model.onnx, vocab.json, merges.txt, ...</summary>
    public static string Folder => Path.Combine(RepositoryPaths.Root, "tests", "fixtures", "clip");

    public static int Dimension => Expected.Value.Dimension;

    public static int EndId => Expected.Value.EndId;

    public static IReadOnlyList<ClipTextCase> Texts => Expected.Value.Texts;

    public static IReadOnlyList<ClipImageCase> Images => Expected.Value.Images;

    /// <summary>The files a pull of the real preset fetches, as the fixture has them.</summary>
    public static IReadOnlyList<string> PresetFiles { get; } = ["onnx/text_model.onnx", "onnx/vision_model.onnx", "vocab.json", "merges.txt", "preprocessor_config.json"];

    public static byte[] ImageBytes(string name) => File.ReadAllBytes(Path.Combine(Folder, "images", name + ".png"));

    /// <summary>The numpy reference pixel_values of <paramref name="name"/> ([3, 224, 224], little-endian float32).</summary>
    public static float[] ReferencePixels(string name)
    {
        using JsonDocument meta = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "reference", name + ".json")));
        int[] shape = meta.RootElement.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        Assert.That(shape, Is.EqualTo(new[] { 1, 3, 224, 224 }));
        Assert.That(BitConverter.IsLittleEndian, "the reference is little-endian float32");
        byte[] raw = File.ReadAllBytes(Path.Combine(Folder, "reference", name + ".f32"));
        return MemoryMarshal.Cast<byte, float>(raw).ToArray();
    }

    /// <summary>Opens the fixture with the options of a custom folder (or <paramref name="options"/>).</summary>
    public static OnnxClipEmbedder Open(OnnxClipEmbedderOptions? options = null) => new(Folder, options);

    /// <summary>Copies the fixture's preset files into <paramref name="target"/>.</summary>
    public static void CopyTo(string target, IEnumerable<string>? files = null)
    {
        foreach (string file in files ?? PresetFiles)
        {
            string destination = Path.Combine(target, file);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(Path.Combine(Folder, file), destination);
        }
    }

    private static (int, int, ClipTextCase[], ClipImageCase[]) Load()
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "expected.json")));
        JsonElement root = document.RootElement;
        static float[] Floats(JsonElement e) => e.EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();
        ClipTextCase[] texts = root.GetProperty("texts").EnumerateArray().Select(t => new ClipTextCase(
            t.GetProperty("text").GetString()!,
            t.GetProperty("length").GetInt32(),
            t.GetProperty("input_ids").EnumerateArray().Select(v => v.GetInt32()).ToArray(),
            Floats(t.GetProperty("text_embeds")),
            Floats(t.GetProperty("text_embeds_no_mask")))).ToArray();
        ClipImageCase[] images = root.GetProperty("images").EnumerateArray().Select(i => new ClipImageCase(
            i.GetProperty("image").GetString()!,
            i.GetProperty("width").GetInt32(),
            i.GetProperty("height").GetInt32(),
            Floats(i.GetProperty("image_embeds")))).ToArray();
        return (root.GetProperty("dimension").GetInt32(), root.GetProperty("endoftext_id").GetInt32(), texts, images);
    }
}
