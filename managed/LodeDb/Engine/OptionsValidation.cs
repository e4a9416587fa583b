using LodeDb.Presets;

namespace LodeDb;

/// <summary>The checks of <see cref="LodeDbOptions"/> before anything is opened: ranges, and options that exclude each other.</summary>
internal static class OptionsValidation
{
    public static void Validate(LodeDbOptions options)
    {
        if (options.Embedder is not null)
        {
            if (options.VectorDim is not null)
            {
                throw new ArgumentException($"Embedder and VectorDim = {options.VectorDim} are mutually exclusive: a custom embedder fixes the dimension. Set one of them.", nameof(options));
            }

            if (options.Model is not null)
            {
                throw new ArgumentException($"Embedder and Model = \"{options.Model}\" are mutually exclusive: pick a preset or a custom embedder, not both.", nameof(options));
            }

            if (string.IsNullOrWhiteSpace(options.ModelName))
            {
                throw new ArgumentException("A custom Embedder needs a non-empty ModelName: it is recorded in the index and checked on every open, so vectors of another model are never mixed in.", nameof(options));
            }

            StringValidation.WellFormed(options.ModelName, "ModelName", 0, nameof(options));
        }
        else if (options.ModelName is not null)
        {
            throw new ArgumentException($"ModelName = \"{options.ModelName}\" names a custom Embedder, but no Embedder is set. Pass the embedder too.", nameof(options));
        }

        if (options.ImageBatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.ImageBatchSize, "ImageBatchSize must be at least 1.");
        }

        if (options.ImageBatchMaxDecodedBytes < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.ImageBatchMaxDecodedBytes, "ImageBatchMaxDecodedBytes must be at least 1.");
        }

        if (options.MaxChunkChars < LodeDatabase.MinChunkChars)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxChunkChars, $"MaxChunkChars must be at least {LodeDatabase.MinChunkChars}.");
        }

        if (options.ModelDirectory is not null && (options.VectorDim is not null || options.Embedder is not null))
        {
            string other = options.VectorDim is not null ? $"VectorDim = {options.VectorDim}" : "Embedder";
            throw new ArgumentException($"ModelDirectory = \"{options.ModelDirectory}\" and {other} are mutually exclusive: ModelDirectory locates the files of a Model preset. Set one of them.", nameof(options));
        }

        if (options.Model is not null && options.VectorDim is not null)
        {
            throw new ArgumentException($"Model = \"{options.Model}\" and VectorDim = {options.VectorDim} are mutually exclusive: a preset fixes its dimension. Set one of them.", nameof(options));
        }

        if (options.VectorDim is int dim && !StoreLimits.IsDimension(dim))
        {
            throw new ArgumentOutOfRangeException(nameof(options), dim, $"VectorDim must be between 1 and {StoreLimits.MaxDimension}.");
        }

        if (options.BitWidth is int bits && !StoreLimits.IsBitWidth(bits))
        {
            throw new ArgumentOutOfRangeException(nameof(options), bits, "BitWidth must be 2 or 4.");
        }

        if (options.WithoutEmbedder && (!options.ReadOnly || options.Embedder is not null || options.Model is not null))
        {
            throw new ArgumentException("WithoutEmbedder opens an existing database read-only with no model: set ReadOnly and neither Embedder nor Model.", nameof(options));
        }

        if (options.Model is string model)
        {
            if (!ModelPresetRegistry.TryGet(model, out ModelPreset? known, out _) || known.Name != model)
            {
                throw ModelPresetRegistry.Unknown(model, nameof(options));
            }

            if (options.BitWidth is int presetBits && presetBits != LodeDatabase.DefaultBitWidth)
            {
                throw new ArgumentException($"Model = \"{model}\" and BitWidth = {presetBits} conflict: a preset stores {LodeDatabase.DefaultBitWidth}-bit codes. Leave BitWidth unset (or set it to {LodeDatabase.DefaultBitWidth}).", nameof(options));
            }
        }

        if (options.Rescore is RescoreStorage rescore && !Enum.IsDefined(rescore))
        {
            throw new ArgumentOutOfRangeException(nameof(options), rescore, "Rescore must be None, Int8 or Float16.");
        }

        if (options.SearchThreads is int searchThreads && (searchThreads < 1 || searchThreads > LodeDatabase.MaxSearchThreads))
        {
            throw new ArgumentOutOfRangeException(nameof(options), searchThreads, $"SearchThreads must be between 1 and {LodeDatabase.MaxSearchThreads} (or unset for automatic).");
        }

        if (options.RescoreCandidates < 1 || options.RescoreCandidates > LodeDatabase.MaxRescoreCandidates)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.RescoreCandidates, $"RescoreCandidates must be between 1 and {LodeDatabase.MaxRescoreCandidates}.");
        }

        if (!Enum.IsDefined(options.RescoreFirstPass))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.RescoreFirstPass, "RescoreFirstPass must be Codes or SignSketch.");
        }

        if (options.CheckpointEveryRecords < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.CheckpointEveryRecords, "CheckpointEveryRecords must be at least 1.");
        }

        if (options.CheckpointEveryBytes < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.CheckpointEveryBytes, "CheckpointEveryBytes must be at least 1.");
        }

        if (options.LockTimeout is TimeSpan timeout && timeout < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), timeout, "LockTimeout must not be negative.");
        }

        if (options.SlowOperationThreshold is TimeSpan slow && slow <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), slow, "SlowOperationThreshold must be positive.");
        }
    }
}
