using System.Globalization;
using LodeDb.Presets;
using Microsoft.Extensions.AI;

namespace LodeDb;

/// <summary>
/// Preset models (<c>Model = "minilm" | "bge" | "clip"</c>): the index runs the embedder that the
/// registered preset provider (<see cref="ModelPresetRegistry"/>; LodeDb.Embeddings.Onnx) loads
/// from the model folder (<see cref="LodeDbOptions.ModelDirectory"/>, else the provider's
/// default). The identity is kind <c>preset</c>, task <c>text</c> (or <c>image+text</c> for a
/// preset that embeds images), model = the preset's repository id, preset = its name, the
/// embedder's dimension and 4-bit codes.
/// </summary>
public sealed partial class LodeDatabase
{
    /// <summary>
    /// Loads the embedder of <paramref name="presetName"/> (once per handle) and returns the
    /// preset used. The provider's errors pass through (a missing model folder names the
    /// <c>lodedb models pull</c> command); no provider is a <see cref="NotSupportedException"/>
    /// naming the package to add.
    /// </summary>
    private ModelPreset OpenPresetEmbedder(string presetName, LodeDbOptions options)
    {
        if (!ModelPresetRegistry.TryGet(presetName, out ModelPreset? preset, out IModelPresetProvider? provider))
        {
            throw ModelPresetRegistry.Unknown(presetName, nameof(options));
        }

        if (options.PresetOverride is { } variant && variant.Name == presetName)
        {
            preset = variant;
        }

        if (_embedder is null)
        {
            _embedder = provider.CreateEmbedder(preset, options.ModelDirectory);
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
        int dim = EmbedderDimension(_embedder!);
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

        foreach (ModelPreset preset in ModelPresetRegistry.All)
        {
            if (preset.Repository == stored.Model)
            {
                return preset.Name;
            }
        }

        return stored.Model;
    }
}
