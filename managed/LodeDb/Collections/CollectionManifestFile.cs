using System.Globalization;
using System.Text.Json;
using LodeDb.Native;

namespace LodeDb;

/// <summary>Reads, checks and atomically replaces <c>collection.json</c>.</summary>
internal static class CollectionManifestFile
{
    /// <summary>The manifest of <paramref name="root"/>, or null when the file does not exist.</summary>
    /// <exception cref="CorruptDatabaseException">The file is not a valid manifest.</exception>
    public static CollectionManifest? Read(string root)
    {
        string path = PathOf(root);
        string text;
        try
        {
            // Shared with writers' renames: a reader sees the old or the new file, never a mix.
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            text = reader.ReadToEnd();
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        return Parse(path, text);
    }

    /// <summary>
    /// Writes <paramref name="manifest"/> to a temp file (fsynced under <paramref name="sync"/>) and
    /// renames it over <c>collection.json</c>. The directory entry is made durable separately
    /// (<see cref="SyncDirectory"/>), so a caller knows whether the rename happened.
    /// </summary>
    public static void Replace(string root, CollectionManifest manifest, bool sync, Action<string>? beforeRename)
    {
        string path = PathOf(root);
        string temp = path + ".tmp";
        manifest.Spaces.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                JsonSerializer.Serialize(stream, manifest, CollectionManifestJsonContext.Default.CollectionManifest);
                stream.Flush(sync);
            }

            beforeRename?.Invoke(temp);
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>
    /// A root without <c>collection.json</c> whose <c>spaces/</c> folder holds spaces (folders with an
    /// index root pointer) lost its manifest: refuse it rather than start an empty collection over
    /// the old spaces. Other folders there are not taken for spaces.
    /// </summary>
    /// <exception cref="CorruptDatabaseException">spaces/ holds a space.</exception>
    public static void ThrowIfSpacesWithoutManifest(string root)
    {
        string spaces = System.IO.Path.Combine(root, LodeCollection.SpacesFolderName);
        string[] folders = Directory.Exists(spaces)
            ? [.. Directory.GetDirectories(spaces).Where(folder => File.Exists(System.IO.Path.Combine(folder, LodeDatabase.RootFileName)))]
            : [];
        if (folders.Length > 0)
        {
            string names = string.Join(", ", folders.Select(System.IO.Path.GetFileName).Order(StringComparer.Ordinal).Take(5));
            throw new CorruptDatabaseException(PathOf(root), string.Create(CultureInfo.InvariantCulture,
                $"the file is missing, but {LodeCollection.SpacesFolderName}/ holds {folders.Length} space folder(s) ({names}); the record of the collection's spaces is lost. Each space still opens on its own with LodeDatabase.Open."));
        }
    }

    /// <summary>Fsyncs the collection root, so a power loss cannot bring back the previous manifest.</summary>
    public static void SyncDirectory(string root) => NativeFileSystem.SyncParentDirectory(PathOf(root));

    public static string PathOf(string root) => System.IO.Path.Combine(root, LodeCollection.ManifestFileName);

    public static LodeSpaceInfo ToInfo(SpaceRecord record) => new()
    {
        Name = record.Name,
        Kind = ParseKind(record.Kind) ?? throw new InvalidOperationException($"unchecked kind '{record.Kind}'"),
        Model = record.Model,
        Task = record.Task,
        Dimension = record.Dimension,
        BitWidth = record.BitWidth,
        Seed = record.Seed,
        StoreText = record.StoreText,
        IndexText = record.IndexText,
    };

    public static SpaceRecord ToRecord(LodeSpaceInfo info) => new()
    {
        Name = info.Name,
        Kind = KindName(info.Kind),
        Model = info.Model,
        Task = info.Task,
        Dimension = info.Dimension,
        BitWidth = info.BitWidth,
        Seed = info.Seed,
        StoreText = info.StoreText,
        IndexText = info.IndexText,
    };

    public static string KindName(LodeSpaceKind kind) => kind switch
    {
        LodeSpaceKind.Preset => StoreIdentity.PresetKind,
        LodeSpaceKind.Custom => StoreIdentity.CustomKind,
        _ => StoreIdentity.VectorKind,
    };

    public static LodeSpaceKind? ParseKind(string? kind) => kind switch
    {
        StoreIdentity.VectorKind => LodeSpaceKind.Vector,
        StoreIdentity.PresetKind => LodeSpaceKind.Preset,
        StoreIdentity.CustomKind => LodeSpaceKind.Custom,
        _ => null,
    };

    private static CollectionManifest Parse(string path, string text)
    {
        CollectionManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize(text, CollectionManifestJsonContext.Default.CollectionManifest);
        }
        catch (JsonException ex)
        {
            throw new CorruptDatabaseException(path, ex.Message, ex);
        }

        if (manifest is null || manifest.Spaces is null || manifest.FormatVersion < 1)
        {
            throw new CorruptDatabaseException(path, "no format version or no space list");
        }

        if (manifest.FormatVersion > CollectionManifest.CurrentFormatVersion)
        {
            throw new LodeDatabaseException($"The collection manifest '{path}' has format version {manifest.FormatVersion}; this LodeDb reads up to {CollectionManifest.CurrentFormatVersion}. Upgrade LodeDb.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < manifest.Spaces.Count; i++)
        {
            string? problem = Check(manifest.Spaces[i], seen);
            if (problem is not null)
            {
                throw new CorruptDatabaseException(path, string.Create(CultureInfo.InvariantCulture, $"space entry {i}: {problem}"));
            }
        }

        return manifest;
    }

    private static string? Check(SpaceRecord? record, HashSet<string> seen)
    {
        if (record is null)
        {
            return "null";
        }

        if (!SpaceName.IsValid(record.Name))
        {
            return $"'{record.Name}' is not a valid space name";
        }

        if (!seen.Add(record.Name))
        {
            return $"space '{record.Name}' appears twice";
        }

        LodeSpaceKind? kind = ParseKind(record.Kind);
        if (kind is null)
        {
            return $"unknown kind '{record.Kind}'";
        }

        if (kind != LodeSpaceKind.Vector && string.IsNullOrEmpty(record.Model))
        {
            return $"a {record.Kind} space without its model";
        }

        if (string.IsNullOrEmpty(record.Task))
        {
            return "no task";
        }

        if (!StoreLimits.IsDimension(record.Dimension))
        {
            return string.Create(CultureInfo.InvariantCulture, $"dimension {record.Dimension} is out of range");
        }

        return StoreLimits.IsBitWidth(record.BitWidth) ? null : string.Create(CultureInfo.InvariantCulture, $"bit width {record.BitWidth} is neither 2 nor 4");
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // The temp file is rewritten (FileMode.Create) by the next publish anyway.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
