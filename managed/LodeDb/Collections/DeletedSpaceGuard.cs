namespace LodeDb;

/// <summary>
/// What <see cref="LodeDatabase.Open"/> checks for the <c>DELETED</c> marker a collection's
/// <see cref="LodeCollection.DeleteSpace"/> writes into a space folder: a marked folder opens only
/// as a space its collection still records (the stale marker of a delete whose publish never ran).
/// A folder whose delete was published is removed by the collection, so nothing written to it
/// could be kept.
/// </summary>
internal static class DeletedSpaceGuard
{
    /// <summary>
    /// Runs before the open and again once the writer lock is held (a delete marks and publishes
    /// under that lock, so the second check sees its outcome). <paramref name="spaceRecorded"/> is
    /// null for a plain open, else the collection's answer to "is this space still recorded?"; a
    /// recorded space must already hold its index (its open never creates one).
    /// </summary>
    public static void Check(string folder, Func<bool>? spaceRecorded)
    {
        string marker = Path.Combine(folder, LodeCollection.DeletedMarkerFileName);
        if (File.Exists(marker) && spaceRecorded?.Invoke() != true)
        {
            throw FolderKindMismatchException.DeletedSpaceOpenedAsIndex(folder, marker);
        }

        if (spaceRecorded is not null && !CommitRootFile.Exists(folder))
        {
            throw new DatabaseNotFoundException(folder);
        }
    }
}
