namespace LodeDb.Images;

/// <summary>Why an image was refused before any model call.</summary>
public enum InvalidImageReason
{
    /// <summary>No bytes at all.</summary>
    Empty,

    /// <summary>Not one of the decodable formats (JPEG, PNG, WebP, GIF, BMP).</summary>
    UnsupportedFormat,

    /// <summary>A supported format whose header or pixel data cannot be decoded.</summary>
    Corrupt,

    /// <summary>More pixels than the limit (<see cref="ImageLimits.MaxPixels"/>) or more encoded bytes than <see cref="ImageLimits.MaxEncodedBytes"/>.</summary>
    TooLarge,
}
