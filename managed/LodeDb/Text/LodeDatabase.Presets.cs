using System.Globalization;
using LodeDb.Embeddings.Onnx;

namespace LodeDb;

/// <summary>
/// Preset text models (<c>Model = "minilm" | "bge"</c>): the index runs
/// <see cref="OnnxTextEmbedder.ForPreset(TextModelPreset, string?, int)"/> from the model folder
/// (<see cref="LodeDbOptions.ModelDirectory"/>, else <c>LODEDB_MODEL_DIR</c>, else the per-user
/// cache). The identity is kind <c>preset</c>, task <c>text</c>, model = the preset's repository
/// id, preset = its name, the preset's dimension and 4-bit codes.
/// </summary>
public sealed partial class LodeDatabase
{
    /// <summary>
    /// Loads the embedder of <paramref name="presetName"/> (once per handle) and returns the
    /// preset used. A missing folder or file is <see cref="ModelNotFoundException"/> (its message
    /// gives <c>lodedb models pull &lt;preset&gt;</c>); a folder holding a model of another
    /// dimension is <see cref="ModelFormatException"/>.
    /// </summary>
    private TextModelPreset OpenPresetEmbedder(string presetName, LodeDbOptions options)
    {
        TextModelPreset preset = options.PresetOverride is { } variant && variant.Name == presetName
            ? variant
            : TextModelPresets.Get(presetName);
        if (_embedder is null)
        {
            _embedder = OnnxTextEmbedder.ForPreset(preset, options.ModelDirectory);
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
        int dim = ((OnnxTextEmbedder)_embedder!).Dimension;
        if (dim != stored.Dim)
        {
            throw new IdentityMismatchException(_path, "Dimension", stored.Dim.ToString(CultureInfo.InvariantCulture), dim.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>The preset name of a preset identity (older roots without the field: looked up by repository id).</summary>
    private static string PresetNameOf(StoreIdentity stored)
    {
        if (!string.IsNullOrEmpty(stored.Preset))
        {
            return stored.Preset;
        }

        foreach (TextModelPreset preset in TextModelPresets.All)
        {
            if (preset.Repository == stored.Model)
            {
                return preset.Name;
            }
        }

        return stored.Model;
    }
}
