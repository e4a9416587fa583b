namespace LodeDb.Cli.Indexing;

/// <summary>A file found for indexing.</summary>
/// <param name="FullPath">Absolute path.</param>
/// <param name="Id">Document id: the path relative to the root it was found under ('/' separated); a file given directly is relative to its folder.</param>
/// <param name="Kind">What to do with it.</param>
internal sealed record InputFile(string FullPath, string Id, FileKind Kind);
