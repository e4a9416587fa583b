using LodeDb.Embeddings.Onnx;

namespace LodeDb.Diagnostics;

/// <summary>A preset as the doctor sees it: a name, where its files come from, and which files it needs to load (optional tokenizer files left out).</summary>
internal sealed record KnownModelPreset(string Name, string Repository, IReadOnlyList<string> Files, ModelPreset Preset);

/// <summary>
/// Every preset the doctor (and <c>lodedb models list</c>) knows: the text presets and clip.
/// </summary>
internal static class KnownModelPresets
{
    public static IReadOnlyList<KnownModelPreset> All =>
        [.. ModelPresets.All.Select(p => new KnownModelPreset(p.Name, p.Repository, p.RequiredFiles, p))];

    public static KnownModelPreset? Find(string name) =>
        All.FirstOrDefault(p => string.Equals(p.Name, name.Trim(), StringComparison.OrdinalIgnoreCase));
}
