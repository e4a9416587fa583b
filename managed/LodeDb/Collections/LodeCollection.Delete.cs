using LodeDb.Native;

namespace LodeDb;

/// <summary>
/// Dropping a space. The order makes a crash at any point leave either the whole space or
/// nothing openable: (1) a marker file <c>DELETED</c> is written into the space folder, (2) the
/// manifest without the space is published (the commit point), (3) the folder is renamed to
/// <c>spaces/.deleted-&lt;name&gt;-&lt;id&gt;</c> (not a space name, so never opened or adopted), (4) that
/// folder is removed. (1) to (3) run under the collection lock, so a create of the same name
/// (which takes it) never has its new folder moved away; only (4) runs after it is released.
/// Before (2) the space is recorded and whole (the marker is ignored while a space is recorded).
/// After (2) a marked folder is never adopted by a create of the same name nor opened as an index
/// (<see cref="DeletedSpaceGuard"/>): it is discarded first, as are leftover <c>.deleted-*</c>
/// folders (swept under the collection lock by every create and delete).
/// </summary>
public sealed partial class LodeCollection
{
    /// <summary>The marker written into a space folder before its record leaves the manifest.</summary>
    internal const string DeletedMarkerFileName = "DELETED";

    private const string DeletedFolderPrefix = ".deleted-";

    /// <summary>Tests only: runs after the manifest without the space is published, before its folder is renamed (under the collection lock).</summary>
    internal Action<string>? AfterDeletePublished { get; set; }

    /// <summary>
    /// Deletes the space <paramref name="name"/>: its record leaves <c>collection.json</c>
    /// atomically, then its folder is removed. A handle of it that this collection opened is
    /// closed first (its log checkpointed); another writer of it (another collection handle or
    /// process) makes the call fail without changing anything. Read-only handles of the space
    /// elsewhere are not detected (readers take no lock): their later reads may fail.
    /// </summary>
    /// <returns>True when a recorded space was deleted; false when none was recorded (nothing to do).</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a valid space name.</exception>
    /// <exception cref="ReadOnlyException">The collection was opened read-only.</exception>
    /// <exception cref="ConcurrentWriterException">Another handle holds the space's writer lock (nothing changed), or the collection's lock past <see cref="LockTimeout"/>.</exception>
    /// <exception cref="CorruptDatabaseException">collection.json is damaged.</exception>
    public bool DeleteSpace(string name)
    {
        SpaceName.Validate(name, nameof(name));
        lock (_gate)
        {
            ThrowIfDisposed();
            if (IsReadOnly)
            {
                throw new ReadOnlyException($"Deleting space '{name}'", "Open the collection with LodeCollection.Open (ReadOnly = false) to delete a space.");
            }

            string folder = SpaceFolder(name);
            string? trash;
            using (WriterLock.Acquire(Path, LockTimeout))
            {
                CollectionManifest manifest = ReadManifest();
                SweepDeleted(name);
                if (Find(manifest, name) is null)
                {
                    return false;
                }

                if (_open.Remove(name, out OpenSpace? open))
                {
                    open.Database.Dispose();
                }

                Unrecord(name, folder, manifest);
                AfterDeletePublished?.Invoke(folder);

                // Still under the collection lock: once it is released, a create may make a new folder of this name.
                trash = MoveAside(folder);
            }

            if (trash is not null)
            {
                TryRemoveFolder(trash);
            }

            return true;
        }
    }

    /// <summary>Steps (1) and (2) under the space's writer lock, which must be free.</summary>
    private void Unrecord(string name, string folder, CollectionManifest manifest)
    {
        if (!Directory.Exists(folder))
        {
            // A record without its folder (damage the open of the space reports): only the record goes.
            manifest.Spaces.RemoveAll(space => space.Name == name);
            CollectionManifestFile.Replace(Path, manifest, Sync, BeforeManifestRename);
            if (Sync)
            {
                CollectionManifestFile.SyncDirectory(Path);
            }

            return;
        }

        string marker = System.IO.Path.Combine(folder, DeletedMarkerFileName);
        WriterLock spaceLock;
        try
        {
            spaceLock = WriterLock.Acquire(folder, TimeSpan.Zero);
        }
        catch (ConcurrentWriterException)
        {
            throw new ConcurrentWriterException(
                $"Space '{name}' of the collection at '{Path}' is open for writing by another handle (in this or another process), so it was not deleted. Close that handle, then delete the space.");
        }

        using (spaceLock)
        {
            using (var stream = new FileStream(marker, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                stream.Flush(Sync);
            }

            if (Sync)
            {
                // The marker's directory entry is durable before the manifest drops the space: after
                // a power loss an unrecorded folder always carries it, so no create adopts its rows.
                CollectionManifestFile.SyncDirectory(folder);
            }

            try
            {
                manifest.Spaces.RemoveAll(space => space.Name == name);
                CollectionManifestFile.Replace(Path, manifest, Sync, BeforeManifestRename);
            }
            catch
            {
                // Not published: the space stays recorded and whole; the marker goes (best effort:
                // a recorded space ignores it).
                TryDeleteFile(marker);
                throw;
            }
        }

        if (Sync)
        {
            CollectionManifestFile.SyncDirectory(Path);
        }
    }

    /// <summary>Steps (3) and (4): the folder of an unrecorded space goes; a failure leaves it for the next sweep.</summary>
    private void Discard(string folder)
    {
        if (MoveAside(folder) is string trash)
        {
            TryRemoveFolder(trash);
        }
    }

    /// <summary>Step (3), under the collection lock: the renamed folder, or null when there was none or it could not be moved (left marked for the next sweep).</summary>
    private string? MoveAside(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return null;
        }

        string trash = System.IO.Path.Combine(
            System.IO.Path.GetDirectoryName(folder)!,
            DeletedFolderPrefix + System.IO.Path.GetFileName(folder) + "-" + Guid.NewGuid().ToString("N"));
        try
        {
            Directory.Move(folder, trash);
            if (Sync)
            {
                NativeFileSystem.SyncParentDirectory(trash);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or LodeDbException)
        {
            // The delete is committed (the manifest no longer names the space); the marked folder
            // is discarded by the next create or delete of this name.
            return null;
        }

        return trash;
    }

    /// <summary>
    /// Under the collection lock: removes leftover <c>.deleted-*</c> folders, and the folder of
    /// <paramref name="name"/> when it carries the marker of a delete whose publish ran (the
    /// caller checked that the manifest does not record it).
    /// </summary>
    private void SweepDeleted(string name)
    {
        string spaces = System.IO.Path.Combine(Path, SpacesFolderName);
        if (!Directory.Exists(spaces))
        {
            return;
        }

        foreach (string leftover in Directory.EnumerateDirectories(spaces, DeletedFolderPrefix + "*"))
        {
            TryRemoveFolder(leftover);
        }

        string folder = SpaceFolder(name);
        if (File.Exists(System.IO.Path.Combine(folder, DeletedMarkerFileName)) && !IsRecorded(name))
        {
            Discard(folder);
            if (Directory.Exists(folder))
            {
                throw new LodeDatabaseException($"The folder '{folder}' of the deleted space '{name}' could not be removed; a new space of that name cannot be created until it is. Remove it while nothing has it open.");
            }
        }
    }

    /// <summary>Reads <c>collection.json</c> now (no lock: it is only ever replaced whole).</summary>
    private bool IsRecorded(string name) => Find(ReadManifest(), name) is not null;

    private static void TryDeleteFile(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }
}
