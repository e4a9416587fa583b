namespace LodeDb.Embeddings.Onnx;

/// <summary>Settings of <see cref="OnnxClipEmbedder"/>.</summary>
public sealed class OnnxClipEmbedderOptions
{
    /// <summary>Default texts per text-tower run.</summary>
    public const int DefaultTextBatchSize = 32;

    /// <summary>Default images per vision-tower run (each image is a 3 x 224 x 224 float tensor, 588 KiB).</summary>
    public const int DefaultImageBatchSize = 8;

    /// <summary>Texts per text-tower run.</summary>
    public int TextBatchSize { get; set; } = DefaultTextBatchSize;

    /// <summary>Images per vision-tower run; images are decoded one at a time into the batch tensor.</summary>
    public int ImageBatchSize { get; set; } = DefaultImageBatchSize;

    /// <summary>Model id reported in metadata and on every embedding; null = the folder name.</summary>
    public string? ModelId { get; set; }

    /// <summary>Expected embedding dimension; a model with another one is rejected at load. Null = any.</summary>
    public int? ExpectedDimension { get; set; }

    /// <summary>Preset the folder belongs to, used in error messages (the pull command); null for a custom folder.</summary>
    public string? Preset { get; set; }

    /// <summary>The text tower inside the model folder ('/' separated); <c>text_model.onnx</c> at the folder root is also tried.</summary>
    public string TextModelFile { get; set; } = "onnx/text_model.onnx";

    /// <summary>The vision tower inside the model folder ('/' separated); <c>vision_model.onnx</c> at the folder root is also tried.</summary>
    public string VisionModelFile { get; set; } = "onnx/vision_model.onnx";

    /// <summary>Pixel limit of the decompression-bomb guard; null = <see cref="LodeDb.Images.ImageLimits.MaxPixels"/> (LODEDB_MAX_IMAGE_PIXELS).</summary>
    public long? MaxImagePixels { get; set; }

    /// <summary>Threads ONNX Runtime uses inside one run; 0 (default) lets it choose.</summary>
    public int IntraOpNumThreads { get; set; }

    internal void Validate()
    {
        if (TextBatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(TextBatchSize), TextBatchSize, "TextBatchSize must be at least 1.");
        }

        if (ImageBatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ImageBatchSize), ImageBatchSize, "ImageBatchSize must be at least 1.");
        }

        if (ExpectedDimension is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ExpectedDimension), ExpectedDimension, "ExpectedDimension must be positive.");
        }

        if (MaxImagePixels is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxImagePixels), MaxImagePixels, "MaxImagePixels must be positive.");
        }

        if (IntraOpNumThreads < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(IntraOpNumThreads), IntraOpNumThreads, "IntraOpNumThreads must be 0 (automatic) or positive.");
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(TextModelFile);
        ArgumentException.ThrowIfNullOrWhiteSpace(VisionModelFile);
    }
}
