using LodeDb.Diagnostics;
using LodeDb.Images;
using Microsoft.Extensions.AI;

namespace LodeDb.Presets;

/// <summary>
/// Supplies preset models (<c>LodeDbOptions.Model</c>) and image support to the core, which
/// references no model runtime or image codec itself (a vector-only app carries neither).
/// LodeDb.Embeddings.Onnx registers one (ONNX Runtime + SkiaSharp) with
/// <see cref="ModelPresetRegistry.Register"/>.
/// </summary>
public interface IModelPresetProvider
{
    /// <summary>The package that provides this (named in error messages).</summary>
    string PackageName { get; }

    /// <summary>Every preset, in a stable order.</summary>
    IReadOnlyList<ModelPreset> Presets { get; }

    /// <summary>
    /// Loads the embedder of <paramref name="preset"/> from <paramref name="modelDirectory"/>
    /// (null: the provider's default models root). The caller owns and disposes it. A preset that
    /// embeds images returns a generator that also implements
    /// <c>IEmbeddingGenerator&lt;DataContent, Embedding&lt;float&gt;&gt;</c>.
    /// </summary>
    IEmbeddingGenerator<string, Embedding<float>> CreateEmbedder(ModelPreset preset, string? modelDirectory);

    /// <summary>
    /// Reads an encoded image's header (never its pixels) and refuses what cannot or must not be
    /// decoded (empty, unknown format, corrupt header, over <see cref="ImageLimits.MaxPixels"/>):
    /// the decompression-bomb guard run before any model call.
    /// </summary>
    /// <exception cref="InvalidImageException">The image cannot be used.</exception>
    ImageInfo ReadImageHeader(ReadOnlySpan<byte> encoded, string source);

    /// <summary>
    /// The provider's part of <c>LodeDatabase.Doctor</c>: its runtime checks, the models root and
    /// the status of each preset's files (a missing preset in <paramref name="requiredPresets"/> fails).
    /// </summary>
    DoctorSection Diagnose(DoctorOptions options, IReadOnlySet<string> requiredPresets);
}
