namespace LodeDb.Embeddings.Onnx;

/// <summary>Every built-in preset, text and image+text: <c>minilm</c>, <c>bge</c> (<see cref="TextModelPresets"/>) and <c>clip</c> (<see cref="ClipModelPresets"/>).</summary>
public static class ModelPresets
{
    /// <summary>The preset names, in a stable order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["minilm", "bge", "clip"];

    /// <summary>Every preset (revisions read from the environment at each call).</summary>
    public static IReadOnlyList<ModelPreset> All => [TextModelPresets.MiniLm, TextModelPresets.Bge, ClipModelPresets.Clip];

    /// <summary>The preset called <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="ArgumentException">No such preset; the message lists the known ones.</exception>
    public static ModelPreset Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return TryGet(name, out ModelPreset? preset)
            ? preset
            : throw new ArgumentException($"'{name}' is not a model preset; use one of: {string.Join(", ", Names)}.", nameof(name));
    }

    /// <summary>Looks a preset up by name (case-insensitive).</summary>
    public static bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ModelPreset? preset)
    {
        if (TextModelPresets.TryGet(name, out TextModelPreset? text))
        {
            preset = text;
            return true;
        }

        preset = name?.Trim().ToLowerInvariant() == ClipModelPresets.ClipName ? ClipModelPresets.Clip : null;
        return preset is not null;
    }

    /// <summary>The CLI command that downloads the preset called <paramref name="preset"/>.</summary>
    public static string PullCommand(string preset) => $"lodedb models pull {preset}";
}
