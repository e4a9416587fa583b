namespace LodeDb.Cli.Indexing;

/// <summary>How <c>lodedb index</c> treats a file, decided by <see cref="FileClassifier"/>.</summary>
internal enum FileKind
{
    /// <summary>Read as UTF-8 text and added as one document (chunked by the database).</summary>
    Text,

    /// <summary>An image, embedded by an image+text model.</summary>
    Image,

    /// <summary>Not indexed.</summary>
    Unsupported,
}
