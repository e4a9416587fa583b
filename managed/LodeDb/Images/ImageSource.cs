using LodeDb.Images;

namespace LodeDb;

/// <summary>
/// Where an image comes from: a file, bytes in memory or a stream. Files are opened, read and
/// closed within the call that reads them; streams are read to their end (at most
/// <see cref="ImageLimits.MaxEncodedBytes"/>) and never disposed. Raw bytes are never stored.
/// </summary>
public sealed class ImageSource
{
    private readonly string? _path;
    private readonly ReadOnlyMemory<byte> _bytes;
    private readonly Stream? _stream;

    private ImageSource(string? path, ReadOnlyMemory<byte> bytes, Stream? stream)
    {
        _path = path;
        _bytes = bytes;
        _stream = stream;
    }

    /// <summary>An image file (JPEG, PNG, WebP, GIF or BMP).</summary>
    public static ImageSource FromFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return new ImageSource(path, default, null);
    }

    /// <summary>An encoded image in memory (the whole file's bytes). The bytes are not copied: keep them unchanged until the call returns.</summary>
    public static ImageSource FromBytes(ReadOnlyMemory<byte> encoded) => new(null, encoded, null);

    /// <summary>An encoded image read from <paramref name="stream"/>'s current position to its end; the stream is not disposed.</summary>
    public static ImageSource FromStream(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
        {
            throw new ArgumentException("The image stream cannot be read.", nameof(stream));
        }

        return new ImageSource(null, default, stream);
    }

    /// <summary>The file path of a file source; null for bytes and streams.</summary>
    public string? Path => _path;

    /// <summary>Names the image in error messages: its path, "bytes" or "stream".</summary>
    public string Description => _path ?? (_stream is null ? "bytes" : "stream");

    /// <summary>True when every read returns the same bytes without holding them (a file or caller bytes), so they can be read again.</summary>
    internal bool IsRereadable => _stream is null;

    /// <summary>Reads the encoded bytes: a file is opened, read and closed here; a stream is read to its end.</summary>
    internal ReadOnlyMemory<byte> Read(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_path is not null)
        {
            return ReadFile(_path);
        }

        return _stream is null ? _bytes : ReadStream(_stream, cancellationToken);
    }

    private static byte[] ReadFile(string path)
    {
        if (Directory.Exists(path))
        {
            // FileStream would say "Access denied" (UnauthorizedAccessException) on Unix.
            throw new ArgumentException($"The image path '{path}' is a directory, not an image file.", nameof(path));
        }

        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        long length = file.Length;
        if (length > ImageLimits.MaxEncodedBytes)
        {
            throw new InvalidImageException(InvalidImageReason.TooLarge, path,
                $"the file is {length:N0} bytes, over the {ImageLimits.MaxEncodedBytes:N0}-byte limit.");
        }

        var bytes = new byte[length];
        file.ReadExactly(bytes);
        return bytes;
    }

    private static byte[] ReadStream(Stream stream, CancellationToken cancellationToken)
    {
        if (stream.CanSeek && stream.Length - stream.Position > ImageLimits.MaxEncodedBytes)
        {
            throw new InvalidImageException(InvalidImageReason.TooLarge, "stream",
                $"it holds {stream.Length - stream.Position:N0} bytes, over the {ImageLimits.MaxEncodedBytes:N0}-byte limit.");
        }

        using var buffer = new MemoryStream();
        byte[] chunk = new byte[81_920];
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (buffer.Length + read > ImageLimits.MaxEncodedBytes)
            {
                // A non-seekable stream: stop at the limit rather than buffer an unbounded body.
                throw new InvalidImageException(InvalidImageReason.TooLarge, "stream",
                    $"it holds more than {ImageLimits.MaxEncodedBytes:N0} bytes, the limit.");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
