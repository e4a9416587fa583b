using System.Globalization;
using LodeDb.Presets;
using Microsoft.Extensions.AI;

namespace LodeDb;

/// <summary>
/// The recorded identity of a folder against the options of an open: an identity option that is
/// set must match, and the folder must be of a kind and format this build can serve.
/// </summary>
internal static class IdentityCheck
{
    public static void Check(string path, StoreIdentity stored, LodeDbOptions options)
    {
        if (stored.FormatVersion > StoreIdentity.GraphFormatVersion)
        {
            throw new LodeDatabaseException($"The database at '{path}' has format version {stored.FormatVersion}; this LodeDb reads up to {StoreIdentity.GraphFormatVersion}. Upgrade LodeDb.");
        }

        if (FirstMismatch(RecordedIdentity.Of(stored), options) is { } mismatch)
        {
            throw new IdentityMismatchException(path, mismatch.Field, mismatch.Recorded, mismatch.Requested);
        }

        if (options.Embedder is not null)
        {
            if (EmbedderHost.MetadataDimension(options.Embedder) is int embedderDim && embedderDim != stored.Dim)
            {
                throw new IdentityMismatchException(path, "Dimension", stored.Dim.ToString(CultureInfo.InvariantCulture), embedderDim.ToString(CultureInfo.InvariantCulture));
            }

            CheckImageTask(path, stored, options.Embedder);
        }
        else if (stored.Kind == StoreIdentity.CustomKind && options.VectorDim is null && options.Model is null && !options.WithoutEmbedder)
        {
            throw new LodeDatabaseException($"The database at '{path}' is a custom-embedder index (ModelName = {stored.Model}, {stored.Dim} dimensions); open it with the same Embedder and ModelName in the options.");
        }

        if (stored.RescoreOrNull() is not RescoreStorage storedRescore)
        {
            throw new LodeDatabaseException($"The database at '{path}' has the storage profile \"{stored.StorageProfile}\", which this LodeDb build does not know. Upgrade LodeDb.");
        }

        if (options.Rescore is RescoreStorage rescore && rescore != storedRescore)
        {
            throw new IdentityMismatchException(path, "Rescore", storedRescore.ToString(), rescore.ToString());
        }

        if (stored.Kind == StoreIdentity.PresetKind)
        {
            string preset = PresetNameOf(stored);
            if (!ModelPresetRegistry.TryGet(preset, out _, out _) || preset != preset.ToLowerInvariant())
            {
                throw ModelPresetRegistry.Providers.Count == 0 && ModelPresetRegistry.BuiltInNames.Contains(preset)
                    ? new NotSupportedException($"The database at '{path}' is a preset index of \"{preset}\" (model {stored.Model}); opening it needs the {ModelPresetRegistry.DefaultProviderPackage} package, which this app does not reference (dotnet add package {ModelPresetRegistry.DefaultProviderPackage}).")
                    : new LodeDatabaseException($"The database at '{path}' is a preset index of \"{preset}\" (model {stored.Model}), which this LodeDb build does not know; it supports the presets {string.Join(", ", ModelPresetRegistry.Names)}.");
            }
        }
        else if (stored.Kind is not (StoreIdentity.VectorKind or StoreIdentity.CustomKind))
        {
            throw new LodeDatabaseException($"The database at '{path}' is a {stored.Kind} index (model {stored.Model}); opening it needs the embedder package, which this build does not include.");
        }
    }

    /// <summary>
    /// The one rule for identity options, used by <see cref="Check"/> (against a folder's root
    /// pointer) and by <see cref="LodeCollection"/> (against its manifest, before a space opens):
    /// every identity option that is set must match the recorded value. The kind asked for follows
    /// from the options (Model: preset; Embedder or ModelName: custom; VectorDim: vector). Returns
    /// the first mismatch, which each caller turns into its own exception; null when all match.
    /// </summary>
    public static IdentityMismatch? FirstMismatch(RecordedIdentity recorded, LodeDbOptions options)
    {
        string? kind = options.Model is not null ? StoreIdentity.PresetKind
            : options.Embedder is not null || options.ModelName is not null ? StoreIdentity.CustomKind
            : options.VectorDim is not null ? StoreIdentity.VectorKind
            : null;
        if (kind is not null && kind != recorded.Kind)
        {
            return new IdentityMismatch("Kind", recorded.Kind, kind);
        }

        if (options.Model is string model && model != recorded.Model)
        {
            return new IdentityMismatch("Model", recorded.Model ?? "(none)", model);
        }

        if (kind == StoreIdentity.CustomKind && options.ModelName != recorded.Model)
        {
            return new IdentityMismatch("ModelName", recorded.Model ?? "(none)", options.ModelName ?? "(none)");
        }

        if (options.StoreText is bool storeText && storeText != recorded.StoreText)
        {
            return new IdentityMismatch("StoreText", Text(recorded.StoreText), Text(storeText));
        }

        if (options.IndexText is bool indexText && indexText != recorded.IndexText)
        {
            return new IdentityMismatch("IndexText", Text(recorded.IndexText), Text(indexText));
        }

        if (options.VectorDim is int dim && dim != recorded.Dim)
        {
            return new IdentityMismatch("VectorDim", Text(recorded.Dim), Text(dim));
        }

        if (options.BitWidth is int bits && bits != recorded.BitWidth)
        {
            return new IdentityMismatch("BitWidth", Text(recorded.BitWidth), Text(bits));
        }

        if (options.Seed is ulong seed && seed != recorded.Seed)
        {
            return new IdentityMismatch("Seed", recorded.Seed.ToString(CultureInfo.InvariantCulture), seed.ToString(CultureInfo.InvariantCulture));
        }

        return null;
    }

    private static string Text(bool value) => value ? "true" : "false";

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// On open: a text index refuses an embedder with an image side (it was not created for
    /// images, so its space is not known to hold them). An image+text index opened with a
    /// text-only embedder opens; its image calls then throw.
    /// </summary>
    private static void CheckImageTask(string path, StoreIdentity stored, IEmbeddingGenerator<string, Embedding<float>> embedder)
    {
        if (stored.Task == StoreIdentity.TextTask && EmbedderHost.TaskFor(embedder) == StoreIdentity.ImageTextTask)
        {
            throw new IdentityMismatchException(path, "Task", StoreIdentity.TextTask, StoreIdentity.ImageTextTask);
        }
    }

    /// <summary>The preset name of a preset identity (older roots without the field: looked up by repository id).</summary>
    public static string PresetNameOf(StoreIdentity stored)
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

/// <summary>
/// A recorded identity as the options name it: kind, model (a preset's name, a custom embedder's
/// ModelName), dimension, bits, seed, text flags. Read from a root pointer or a collection manifest.
/// </summary>
internal readonly record struct RecordedIdentity(string Kind, string? Model, int Dim, int BitWidth, ulong Seed, bool StoreText, bool IndexText)
{
    public static RecordedIdentity Of(StoreIdentity stored) => new(
        stored.Kind,
        stored.Kind == StoreIdentity.PresetKind ? IdentityCheck.PresetNameOf(stored) : stored.Model,
        stored.Dim,
        stored.BitWidth,
        stored.Seed,
        stored.StoreText,
        stored.IndexText);

    public static RecordedIdentity Of(LodeSpaceInfo space) => new(
        CollectionManifestFile.KindName(space.Kind),
        space.Model,
        space.Dimension,
        space.BitWidth,
        space.Seed,
        space.StoreText,
        space.IndexText);
}

/// <summary>An identity option that differs from the recorded value (the values as messages show them).</summary>
internal readonly record struct IdentityMismatch(string Field, string Recorded, string Requested);
