using System.Text.Json;
using LodeDb.Native;

namespace LodeDb;

/// <summary>
/// The codec of the root pointer <c>index.commit.json</c> (<see cref="CommitRoot"/>): the only
/// reader and writer of that file. Publishing writes a temp file and renames it over the root,
/// the single atomic step that commits a generation.
/// </summary>
internal static class CommitRootFile
{
    public static string PathIn(string folder) => Path.Combine(folder, LodeDatabase.RootFileName);

    public static bool Exists(string folder) => File.Exists(PathIn(folder));

    /// <summary>Deletes a temp root left by a crash: a half-written root is only ever the temp file, since the rename is atomic.</summary>
    public static void DeleteTemp(string folder) => File.Delete(PathIn(folder) + ".tmp");

    public static CommitRoot Read(string folder) => Parse(ReadText(folder));

    /// <summary>The root's text, read while a writer may replace it.</summary>
    public static string ReadText(string folder) => ReadAllTextShared(PathIn(folder));

    /// <summary>The root's text, or null when it cannot be read (a writer is between its delete and rename on some systems).</summary>
    public static string? TryReadText(string folder)
    {
        try
        {
            return ReadText(folder);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>The base generation a root text names, or -1 when it does not parse.</summary>
    public static long BaseOf(string rootText)
    {
        try
        {
            return Parse(rootText).BaseGeneration;
        }
        catch (CorruptDatabaseException)
        {
            return -1;
        }
    }

    /// <summary>Decodes and checks a root: every field consistent with the others, or <see cref="CorruptDatabaseException"/>.</summary>
    public static CommitRoot Parse(string text)
    {
        CommitRoot? root;
        try
        {
            root = JsonSerializer.Deserialize(text, CommitRootJsonContext.Default.CommitRoot);
        }
        catch (JsonException ex)
        {
            throw new CorruptDatabaseException(LodeDatabase.RootFileName, ex.Message, ex);
        }

        // JSON null is a value for every string field: one the code reads later must be refused
        // here (a null storage profile once escaped Open as a NullReferenceException).
        if (root is null || root.Generation < 1 || root.Identity is null || root.Identity.Dim < 1 ||
            root.Identity.StorageProfile is null || root.Identity.Kind is null || root.Identity.Task is null || root.Identity.Model is null ||
            root.CodesFile is null || root.RowsFile is null || root.RescoreFile is null || root.JournalFile is null ||
            !StoreLimits.IsBitWidth(root.Identity.BitWidth) || root.BaseGeneration < 1 || root.BaseGeneration > root.Generation ||
            root.CodesFile != GenerationFiles.Codes(root.BaseGeneration) || root.RowsFile != GenerationFiles.Rows(root.BaseGeneration) ||
            root.JournalLength < 0 || (root.JournalLength > 0 && root.JournalFile != GenerationFiles.Journal(root.BaseGeneration)) ||
            root.GraphFile is null || (root.GraphFile.Length > 0 && root.GraphFile != GenerationFiles.Graph(root.BaseGeneration)) ||
            (root.GraphFile.Length > 0) != (root.Identity.FormatVersion == StoreIdentity.GraphFormatVersion) ||
            root.WalFile is null || (root.WalFile.Length > 0 && root.WalFile != GenerationFiles.LegacyWalFileName && root.WalFile != GenerationFiles.Wal(root.Generation)) ||
            (root.Identity.RescoreOrNull() is RescoreStorage rescore && root.RescoreFile != (rescore == RescoreStorage.None ? "" : GenerationFiles.Rescore(root.BaseGeneration))))
        {
            throw new CorruptDatabaseException(LodeDatabase.RootFileName, "missing or inconsistent fields");
        }

        return root;
    }

    /// <summary>
    /// Writes <paramref name="root"/> to a temp file, fsyncs it under <paramref name="sync"/>, and
    /// renames it over <c>index.commit.json</c>.
    /// </summary>
    public static void Publish(string folder, CommitRoot root, bool sync)
    {
        string rootPath = PathIn(folder);
        string temp = rootPath + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(stream, root, CommitRootJsonContext.Default.CommitRoot);
            stream.Flush(sync);
        }

        File.Move(temp, rootPath, overwrite: true);
        if (sync)
        {
            // The rename (and the new generation files before it) live in the directory's
            // entries: without this a power loss could bring back the previous root.
            NativeFileSystem.SyncParentDirectory(rootPath);
        }
    }

    /// <summary>A file the root names that is not there: damage, never an empty store.</summary>
    public static CorruptDatabaseException MissingFile(string name, Exception? inner) =>
        new(name, -1, $"the file is missing, though {LodeDatabase.RootFileName} names it", inner);

    /// <summary>Reads a whole text file while a writer may replace or delete it.</summary>
    public static string ReadAllTextShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
