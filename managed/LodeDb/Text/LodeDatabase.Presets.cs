using System.Globalization;
using LodeDb.Embeddings.Onnx;
using Microsoft.Extensions.AI;

namespace LodeDb;

/// <summary>
/// Preset models (<c>Model = "minilm" | "bge" | "clip"</c>): the index runs
/// <see cref="OnnxTextEmbedder.ForPreset(TextModelPreset, string?, int)"/> (text presets) or
/// <see cref="OnnxClipEmbedder.ForPreset(ClipModelPreset, string?)"/> (clip: text and images in
/// one space) from the model folder (<see cref="LodeDbOptions.ModelDirectory"/>, else
/// <c>LODEDB_MODEL_DIR</c>, else the per-user cache). The identity is kind <c>preset</c>, task
/// <c>text</c> (or <c>image+text</c> for clip), model = the preset's repository id, preset = its
/// name, the preset's dimension and 4-bit codes.
/// </summary>
public sealed partial class LodeDatabase
{
    /// <summary>
    /// Loads the embedder of <paramref name="presetName"/> (once per handle) and returns the
    /// preset used. A missing folder or file is <see cref="ModelNotFoundException"/> (its message
    /// gives <c>lodedb models pull &lt;preset&gt;</c>); a folder holding a model of another
    /// dimension is <see cref="ModelFormatException"/>.
    /// </summary>
    private ModelPreset OpenPresetEmbedder(string presetName, LodeDbOptions options)
    {
        ModelPreset preset = options.PresetOverride is { } variant && variant.Name == presetName
            ? variant
            : ModelPresets.Get(presetName);
        if (_embedder is null)
        {
            _embedder = preset switch
            {
                TextModelPreset text => OnnxTextEmbedder.ForPreset(text, options.ModelDirectory),
                ClipModelPreset clip => OnnxClipEmbedder.ForPreset(clip, options.ModelDirectory),
                _ => throw new NotSupportedException($"The preset \"{preset.Name}\" has no embedder in this build."),
            };
            _ownsEmbedder = true;
        }

        return preset;
    }

    /// <summary>After the identity check of an existing folder: a preset index loads its recorded preset's model.</summary>
    private void OpenRecordedPresetEmbedder(StoreIdentity stored, LodeDbOptions options)
    {
        if (stored.Kind != StoreIdentity.PresetKind)
        {
            return;
        }

        OpenPresetEmbedder(PresetNameOf(stored), options);
        int dim = PresetEmbedderDimension(_embedder!);
        if (dim != stored.Dim)
        {
            throw new IdentityMismatchException(_path, "Dimension", stored.Dim.ToString(CultureInfo.InvariantCulture), dim.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>The dimension of a preset's embedder (read from its model's outputs when it was loaded).</summary>
    private static int PresetEmbedderDimension(IEmbeddingGenerator<string, Embedding<float>> embedder) => embedder switch
    {
        OnnxTextEmbedder text => text.Dimension,
        OnnxClipEmbedder clip => clip.Dimension,
        _ => EmbedderDimension(embedder),
    };

    /// <summary>The preset name of a preset identity (older roots without the field: looked up by repository id).</summary>
    private static string PresetNameOf(StoreIdentity stored)
    {
        if (!string.IsNullOrEmpty(stored.Preset))
        {
            return stored.Preset;
        }

        foreach (ModelPreset preset in ModelPresets.All)
        {
            if (preset.Repository == stored.Model)
            {
                return preset.Name;
            }
        }

        return stored.Model;
    }
}
