using System.Globalization;

namespace LodeDb;

/// <summary>
/// The generation-addressed files of a database folder (<c>index.g{N}.codes</c>, <c>.rows</c>,
/// <c>.rescore</c>, <c>.graph</c>, <c>.journal</c>, <c>.wal</c>), the reader pins that keep a generation on disk
/// while a read-only handle loads it, and the writer's sweep that deletes every file the current
/// root does not name and no reader pins.
/// </summary>
/// <remarks>
/// A pin is <c>index.g{N}.pin</c> held open shared (an OS advisory lock on POSIX, share modes on
/// Windows). The sweep opens it exclusively before deleting generation N: a held pin makes that
/// fail, so the generation stays; a reader that pins a generation the sweep already took finds
/// its files gone and reads the root again.
/// </remarks>
internal static class GenerationFiles
{
    private const string Prefix = LodeDatabase.Key + ".g";

    /// <summary>The single log file of releases before generation-addressed logs (read, never written).</summary>
    public const string LegacyWalFileName = LodeDatabase.Key + ".wal";

    public static string Codes(long generation) => Name(generation, "codes");

    public static string Rows(long generation) => Name(generation, "rows");

    public static string Journal(long generation) => Name(generation, "journal");

    public static string Wal(long generation) => Name(generation, "wal");

    public static string Rescore(long generation) => Name(generation, "rescore");

    /// <summary>The graph structure of a graph store (see <see cref="Graph.GraphFile"/>).</summary>
    public static string Graph(long generation) => Name(generation, "graph");

    private static string Pin(long generation) => Name(generation, "pin");

    private static string Name(long generation, string kind) => string.Create(CultureInfo.InvariantCulture, $"{Prefix}{generation}.{kind}");

    /// <summary>The generation number in a generation-addressed file name, or -1.</summary>
    public static long GenerationOf(string name)
    {
        if (!name.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return -1;
        }

        int dot = name.IndexOf('.', Prefix.Length);
        if (dot < 0 ||
            !long.TryParse(name.AsSpan(Prefix.Length, dot - Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out long generation))
        {
            return -1;
        }

        return generation;
    }

    /// <summary>
    /// Pins <paramref name="generations"/> for a reader: null when the folder takes no new file
    /// (read-only media: the reader then relies on re-reading the root). Throws
    /// <see cref="IOException"/> when a writer is deleting one of them right now.
    /// </summary>
    public static IDisposable? TryPin(string folder, IEnumerable<long> generations)
    {
        var held = new List<FileStream>();
        try
        {
            foreach (long generation in generations.Distinct())
            {
                string path = System.IO.Path.Combine(folder, Pin(generation));
                try
                {
                    held.Add(new FileStream(path, FileMode.OpenOrCreate, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete));
                }
                catch (Exception ex) when (ex is UnauthorizedAccessException || (ex is IOException && !File.Exists(path)))
                {
                    // The pin cannot be created (read-only media, no write permission): no pins.
                    held.ForEach(stream => stream.Dispose());
                    return null;
                }
            }
        }
        catch
        {
            held.ForEach(stream => stream.Dispose());
            throw;
        }

        return new Pins(held);
    }

    /// <summary>
    /// Deletes every generation-addressed file of <paramref name="folder"/> whose generation is
    /// not in <paramref name="keep"/> and is not pinned by a reader, and the pre-generation log
    /// when the root no longer names it. Best effort: a file that cannot be deleted now (a
    /// pinned generation, a sidecar still mapped on Windows) is garbage the next sweep takes.
    /// </summary>
    public static void Sweep(string folder, IReadOnlySet<long> keep, bool keepLegacyWal)
    {
        var byGeneration = new Dictionary<long, List<string>>();
        foreach (string file in Directory.EnumerateFiles(folder, Prefix + "*"))
        {
            long generation = GenerationOf(System.IO.Path.GetFileName(file));
            if (generation >= 0 && !keep.Contains(generation))
            {
                if (!byGeneration.TryGetValue(generation, out List<string>? files))
                {
                    byGeneration[generation] = files = [];
                }

                files.Add(file);
            }
        }

        foreach ((long generation, List<string> files) in byGeneration)
        {
            DeleteUnpinned(folder, generation, files);
        }

        if (!keepLegacyWal)
        {
            TryDelete(System.IO.Path.Combine(folder, LegacyWalFileName));
        }
    }

    private static void DeleteUnpinned(string folder, long generation, List<string> files)
    {
        string pinPath = System.IO.Path.Combine(folder, Pin(generation));
        FileStream? exclusive = null;
        try
        {
            // DeleteOnClose: the pin goes with its generation, also on Windows where an open
            // file cannot otherwise be deleted.
            exclusive = new FileStream(pinPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (FileNotFoundException)
        {
            // Never pinned (or the pin is already gone): nothing holds the generation.
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return; // a reader holds it: the next sweep takes it
        }

        using (exclusive)
        {
            foreach (string file in files)
            {
                if (!file.Equals(pinPath, StringComparison.Ordinal))
                {
                    TryDelete(file);
                }
            }
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort (see Sweep).
        }
    }

    private sealed class Pins(List<FileStream> streams) : IDisposable
    {
        public void Dispose() => streams.ForEach(stream => stream.Dispose());
    }
}
