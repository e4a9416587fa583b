namespace LodeDb.Embeddings.Onnx;

/// <summary>The built-in CLIP preset (see the behaviour contract): <c>clip</c>, ViT-B/32, 512-d, text and image in one space.</summary>
public static class ClipModelPresets
{
    /// <summary>The preset's name.</summary>
    public const string ClipName = "clip";

    /// <summary>Environment variable overriding the pinned revision of <c>clip</c>.</summary>
    public const string ClipRevisionVariable = "LODEDB_CLIP_REVISION";

    /// <summary>
    /// Pinned commit of Xenova/clip-vit-base-patch32. UNVERIFIED: taken from a public reference to
    /// the repository (no hub access from the machines this was written on), not checked against the
    /// hub's tree; a pull at a wrong commit fails with a 404 that names it. Override with
    /// <see cref="ClipRevisionVariable"/> or <c>Clip with { Revision = ... }</c>.
    /// </summary>
    public const string ClipDefaultRevision = "d15189d7028b43f1d3e65039190477f6af591c2a";

    /// <summary>
    /// Xenova/clip-vit-base-patch32 (the ONNX export of openai/clip-vit-base-patch32): 512-d,
    /// <c>text_embeds</c> and <c>image_embeds</c>, byte-level BPE tokenizer (vocab.json, merges.txt).
    /// </summary>
    public static ClipModelPreset Clip => new(
        ClipName,
        "Xenova/clip-vit-base-patch32",
        RevisionFromEnvironment(),
        512,
        ["onnx/text_model.onnx", "onnx/vision_model.onnx", "vocab.json", "merges.txt", "preprocessor_config.json"]);

    private static string RevisionFromEnvironment()
    {
        string? value = Environment.GetEnvironmentVariable(ClipRevisionVariable)?.Trim();
        return string.IsNullOrEmpty(value) ? ClipDefaultRevision : value;
    }
}
