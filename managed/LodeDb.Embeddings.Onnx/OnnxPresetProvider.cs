using System.Runtime.CompilerServices;
using LodeDb.Diagnostics;
using LodeDb.Embeddings.Onnx.Diagnostics;
using LodeDb.Embeddings.Onnx.Images;
using Microsoft.Extensions.AI;

namespace LodeDb.Embeddings.Onnx;

/// <summary>
/// The preset provider of this package: <c>Model = "minilm" | "bge"</c> run
/// <see cref="OnnxTextEmbedder"/>, <c>"clip"</c> runs <see cref="OnnxClipEmbedder"/>, image
/// headers are read by <see cref="ImageProbe"/> (SkiaSharp), and the doctor gets the ONNX
/// Runtime, image-decoding and model-folder checks. It registers itself with
/// <see cref="ModelPresetRegistry"/> when this assembly initialises (the core loads the assembly
/// by name on its first preset lookup); <see cref="Register"/> does it explicitly, for hosts that
/// cannot load assemblies by name.
/// </summary>
public sealed class OnnxPresetProvider : IModelPresetProvider
{
    private OnnxPresetProvider()
    {
    }

    /// <summary>The one instance.</summary>
    public static OnnxPresetProvider Instance { get; } = new();

    /// <summary>Registers <see cref="Instance"/> (idempotent).</summary>
    public static void Register() => ModelPresetRegistry.Register(Instance);

    /// <inheritdoc />
    public string PackageName => "LodeDb.Embeddings.Onnx";

    /// <inheritdoc />
    public IReadOnlyList<ModelPreset> Presets => ModelPresets.All;

    /// <inheritdoc />
    public IEmbeddingGenerator<string, Embedding<float>> CreateEmbedder(ModelPreset preset, string? modelDirectory) => preset switch
    {
        TextModelPreset text => OnnxTextEmbedder.ForPreset(text, modelDirectory),
        ClipModelPreset clip => OnnxClipEmbedder.ForPreset(clip, modelDirectory),
        _ => throw new NotSupportedException($"The preset \"{preset?.Name}\" is not one of {PackageName}'s ({string.Join(", ", ModelPresets.Names)})."),
    };

    /// <inheritdoc />
    public ImageInfo ReadImageHeader(ReadOnlySpan<byte> encoded, string source) => ImageProbe.Read(encoded, source);

    /// <inheritdoc />
    public DoctorSection Diagnose(DoctorOptions options, IReadOnlySet<string> requiredPresets) => OnnxDoctor.Run(options, requiredPresets);

#pragma warning disable CA2255 // A library module initialiser, on purpose: it is how the core finds this provider.
    [ModuleInitializer]
    internal static void RegisterOnLoad() => Register();
#pragma warning restore CA2255
}
