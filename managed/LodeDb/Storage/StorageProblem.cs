namespace LodeDb;

/// <summary>
/// One problem an audit of a database folder found on disk: the file (its name in the folder),
/// the byte offset where the damage starts, and what is wrong there.
/// </summary>
/// <param name="File">The file's name in the database folder.</param>
/// <param name="Offset">The byte offset of the damaged part (a header field, a block, a row).</param>
/// <param name="Detail">What is wrong, in words.</param>
public sealed record StorageProblem(string File, long Offset, string Detail)
{
    /// <inheritdoc/>
    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{File} at offset {Offset}: {Detail}");
}
