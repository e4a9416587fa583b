namespace LodeDb.Images;

/// <summary>
/// An image that cannot be embedded: empty, of an unsupported format, corrupt, or larger than
/// the limits of <see cref="ImageLimits"/>. Raised before any model call, so nothing is stored
/// and no embedding is counted.
/// </summary>
public sealed class InvalidImageException : ArgumentException
{
    /// <summary>Creates the exception; <paramref name="source"/> names the image (a path, or "bytes"/"stream").</summary>
    public InvalidImageException(InvalidImageReason reason, string source, string detail, Exception? inner = null)
        : base($"The image {source} cannot be used: {detail}", inner)
    {
        Reason = reason;
        Source = source;
    }

    /// <summary>What is wrong with the image.</summary>
    public InvalidImageReason Reason { get; }

    /// <summary>The image's path, or a description such as "bytes" for in-memory input.</summary>
    public new string Source { get; }
}
