using LodeDb.Graph;

namespace LodeDb;

/// <summary>Verify (a read-only audit) and Repair (the explicit way out of a fail-closed open).</summary>
public sealed partial class LodeDatabase
{
    /// <summary>
    /// Audits everything on disk without changing it: the root pointer, the base generation's
    /// snapshot, rows and re-score sidecar, every journal and log frame and record, and (when
    /// those pass) a full read-only load. A collection root audits its manifest and every space;
    /// an index's knowledge graph folder (<c>graph/</c>) is audited with it.
    /// </summary>
    /// <exception cref="DatabaseNotFoundException">The folder holds no database or collection.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (checked between log records and spaces).</exception>
    public static VerifyReport Verify(string path, CancellationToken cancellationToken = default) => DatabaseAudit.Verify(path, cancellationToken);

    /// <summary>
    /// Salvages a damaged folder: takes the writer lock, loads the base generation, replays every
    /// log record that still verifies (valid frames after a damaged one included), copies the
    /// damaged files aside into <c>repair-&lt;time&gt;/</c> (never deletes them), writes a fresh
    /// consistent generation, and reports exactly what was lost. A dry run reports only. A
    /// collection root repairs every space; an index's knowledge graph (<c>graph/</c>) is repaired with it. Damage to the root pointer or the base snapshot and
    /// rows cannot be salvaged (the repair then throws <see cref="CorruptDatabaseException"/>:
    /// restore those from a backup).
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before the repair wrote anything (checked while waiting for the lock and between salvaged records; the copy aside and the new generation, once started, complete). A collection's spaces and an index's graph are repaired one after another: once one has been written, the token is no longer observed and the rest is repaired too, so the report names everything that changed.</exception>
    public static RepairReport Repair(string path, RepairOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        options ??= new RepairOptions();
        string full = System.IO.Path.GetFullPath(path);
        if (File.Exists(System.IO.Path.Combine(full, LodeCollection.ManifestFileName)))
        {
            CollectionManifest manifest = CollectionManifestFile.Read(full)!;
            return RepairStores(full, manifest.Spaces.SelectMany(space =>
                IndexStores(System.IO.Path.Combine(full, LodeCollection.SpacesFolderName, space.Name), $"{LodeCollection.SpacesFolderName}/{space.Name}/")), options, cancellationToken);
        }

        if (!File.Exists(System.IO.Path.Combine(full, RootFileName)))
        {
            throw new DatabaseNotFoundException(full);
        }

        return RepairStores(full, IndexStores(full, ""), options, cancellationToken);
    }

    /// <summary>One index folder and, when it has one, its knowledge graph (<see cref="LodeGraph"/>, a store of the same kind in <c>graph/</c>).</summary>
    private static IEnumerable<(string Folder, string Prefix)> IndexStores(string folder, string prefix)
    {
        yield return (folder, prefix);
        if (DatabaseAudit.GraphFolderOf(folder) is string graph)
        {
            yield return (graph, prefix + LodeGraph.FolderName + "/");
        }
    }

    /// <summary>
    /// Repairs the stores one after another. Each store's repair is atomic, but a cancellation
    /// after one was written cannot undo it: from then on the token is not observed, so the call
    /// returns a report of everything it changed instead of throwing it away.
    /// </summary>
    private static RepairReport RepairStores(string path, IEnumerable<(string Folder, string Prefix)> stores, RepairOptions options, CancellationToken cancellationToken)
    {
        var reports = new List<RepairReport>();
        foreach ((string folder, string prefix) in stores)
        {
            reports.Add(StoreRepair.Run(folder, prefix, options, reports.Exists(r => r.Applied) ? CancellationToken.None : cancellationToken));
        }

        return Combine(path, reports);
    }

    private static RepairReport Combine(string path, IReadOnlyList<RepairReport> reports) =>
        new(path, reports.Any(r => r.Applied), reports.SelectMany(r => r.Damage).ToList(), reports.Sum(r => r.RecordsSalvaged),
            reports.Sum(r => r.RecordsLost), reports.SelectMany(r => r.LostIds).ToList(), reports.Sum(r => r.LostRecordsWithUnknownIds),
            reports.Select(r => r.BackupFolder).FirstOrDefault(folder => folder is not null));
}
