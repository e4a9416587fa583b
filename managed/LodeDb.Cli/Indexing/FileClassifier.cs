namespace LodeDb.Cli.Indexing;

/// <summary>
/// The one place that decides what <c>lodedb index</c> does with a file, by its extension
/// (case-insensitive): text documents (.txt .text .md .markdown .json), images
/// (.jpg .jpeg .png .webp .gif .bmp), everything else unsupported.
/// </summary>
internal static class FileClassifier
{
    public static IReadOnlyList<string> TextExtensions { get; } = [".txt", ".text", ".md", ".markdown", ".json"];

    public static IReadOnlyList<string> ImageExtensions { get; } = [".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp"];

    public static FileKind Classify(string path)
    {
        string extension = Path.GetExtension(path);
        if (TextExtensions.Contains(extension, StringComparer.OrdinalIgnoreCase))
        {
            return FileKind.Text;
        }

        return ImageExtensions.Contains(extension, StringComparer.OrdinalIgnoreCase) ? FileKind.Image : FileKind.Unsupported;
    }
}
