namespace LodeDb.Cli.Indexing;

/// <summary>
/// Expands the paths given to <c>lodedb index</c> into files: a file is taken as it is (id: its
/// name), a folder gives its files (with <c>--recursive</c> those of every sub-folder too; ids
/// relative to that folder). Hidden files and folders (names starting with '.') inside a folder
/// are left out, and so is the database folder being written (a project folder indexed again
/// with its database inside must not index the database's own files). The order is stable
/// (ordinal by id within each root).
/// </summary>
internal static class InputCollector
{
    private static readonly StringComparison PathComparison = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    public static List<InputFile> Collect(IReadOnlyList<string> paths, bool recursive, string? databaseFolder = null)
    {
        string? excluded = databaseFolder is null ? null : Path.TrimEndingDirectorySeparator(Path.GetFullPath(databaseFolder));
        var files = new List<InputFile>();
        foreach (string given in paths)
        {
            string full = Path.GetFullPath(given);
            if (File.Exists(full))
            {
                files.Add(new InputFile(full, Path.GetFileName(full), FileClassifier.Classify(full)));
            }
            else if (Directory.Exists(full))
            {
                var found = new List<InputFile>();
                Walk(full, full, recursive, excluded, found);
                found.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
                files.AddRange(found);
            }
            else
            {
                throw new CliUsageException($"'{full}' is neither a file nor a folder.");
            }
        }

        return files;
    }

    private static void Walk(string root, string folder, bool recursive, string? excluded, List<InputFile> found)
    {
        if (excluded is not null && Path.TrimEndingDirectorySeparator(folder).Equals(excluded, PathComparison))
        {
            return;
        }

        foreach (string file in Directory.EnumerateFiles(folder))
        {
            if (!Path.GetFileName(file).StartsWith('.'))
            {
                string id = Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/');
                found.Add(new InputFile(file, id, FileClassifier.Classify(file)));
            }
        }

        if (!recursive)
        {
            return;
        }

        foreach (string sub in Directory.EnumerateDirectories(folder))
        {
            var info = new DirectoryInfo(sub);
            // Hidden folders (.git) and links (which can loop) are not walked.
            if (!info.Name.StartsWith('.') && info.LinkTarget is null)
            {
                Walk(root, sub, recursive, excluded, found);
            }
        }
    }
}
