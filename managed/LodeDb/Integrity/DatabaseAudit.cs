using System.Text.Json;
using LodeDb.Native;

namespace LodeDb;

/// <summary>
/// The read-only audit behind <see cref="LodeDatabase.Verify"/>: every file a root names (root,
/// snapshot, rows, sidecar, journal, log frames and records) and, when those pass, a full
/// read-only load; a collection root audits its manifest and every space. Never writes.
/// </summary>
internal static class DatabaseAudit
{
    public static VerifyReport Verify(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        cancellationToken.ThrowIfCancellationRequested();
        string full = Path.GetFullPath(path);
        var problems = new List<StorageProblem>();
        if (File.Exists(Path.Combine(full, LodeCollection.ManifestFileName)))
        {
            (int spaces, long records) = AuditCollection(full, problems, cancellationToken);
            return new VerifyReport(full, problems, spaces, records);
        }

        if (!File.Exists(Path.Combine(full, LodeDatabase.RootFileName)))
        {
            throw new DatabaseNotFoundException(full);
        }

        long checkedRecords = AuditIndex(full, "", problems, cancellationToken);
        return new VerifyReport(full, problems, 1, checkedRecords);
    }

    /// <summary>The knowledge graph folder of an index (<c>graph/</c>, see <see cref="Graph.LodeGraph"/>), when it holds one.</summary>
    public static string? GraphFolderOf(string folder)
    {
        string graph = Path.Combine(folder, Graph.LodeGraph.FolderName);
        return File.Exists(Path.Combine(graph, LodeDatabase.RootFileName)) ? graph : null;
    }

    private static (int Spaces, long Records) AuditCollection(string root, List<StorageProblem> problems, CancellationToken cancellationToken)
    {
        CollectionManifest manifest;
        try
        {
            manifest = CollectionManifestFile.Read(root)!;
        }
        catch (CorruptDatabaseException ex)
        {
            problems.Add(new StorageProblem(LodeCollection.ManifestFileName, ex.Offset, ex.Detail));
            return (0, 0);
        }

        long records = 0;
        foreach (SpaceRecord space in manifest.Spaces)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string prefix = $"{LodeCollection.SpacesFolderName}/{space.Name}/";
            string folder = Path.Combine(root, LodeCollection.SpacesFolderName, space.Name);
            if (!File.Exists(Path.Combine(folder, LodeDatabase.RootFileName)))
            {
                problems.Add(new StorageProblem(prefix + LodeDatabase.RootFileName, -1, $"space '{space.Name}' is recorded in {LodeCollection.ManifestFileName} but its index is missing"));
                continue;
            }

            // A recorded space may carry the stale marker of a delete that never published: it still loads.
            records += AuditIndex(folder, prefix, problems, cancellationToken, recordedSpace: true);
        }

        return (manifest.Spaces.Count, records);
    }

    /// <summary>Audits one index folder; returns the log and journal records checked.</summary>
    private static long AuditIndex(string folder, string prefix, List<StorageProblem> problems, CancellationToken cancellationToken, bool recordedSpace = false)
    {
        int first = problems.Count;
        void Add(string file, long offset, string detail, bool damage = true) =>
            problems.Add(new StorageProblem(prefix + file, offset, detail) { IsDamage = damage });

        CommitRoot root;
        try
        {
            root = CommitRootFile.Parse(File.ReadAllText(Path.Combine(folder, LodeDatabase.RootFileName)));
        }
        catch (CorruptDatabaseException ex)
        {
            Add(ex.File, ex.Offset, ex.Detail);
            return 0;
        }

        bool legacyWal = root.WalFile == GenerationFiles.LegacyWalFileName;
        foreach (string name in new[] { root.CodesFile, root.RowsFile, root.RescoreFile, root.GraphFile, root.JournalLength > 0 ? root.JournalFile : "", legacyWal ? "" : root.WalFile })
        {
            if (name.Length > 0 && !File.Exists(Path.Combine(folder, name)))
            {
                Add(name, -1, $"missing, though {LodeDatabase.RootFileName} names it");
            }
        }

        AuditBase(folder, root, Add);
        long records = 0;
        if (root.JournalLength > 0 && File.Exists(Path.Combine(folder, root.JournalFile)))
        {
            byte[] journal = File.ReadAllBytes(Path.Combine(folder, root.JournalFile));
            if (journal.Length < root.JournalLength)
            {
                Add(root.JournalFile, journal.Length, $"it holds {journal.Length} bytes, the root pointer committed {root.JournalLength}");
            }

            records += AuditLog(journal.AsSpan(0, (int)Math.Min(journal.Length, root.JournalLength)).ToArray(), root.JournalFile, beginGeneration: null, committed: true, Add, cancellationToken);
        }

        string walPath = Path.Combine(folder, root.WalFile);
        if (root.WalFile.Length > 0 && File.Exists(walPath))
        {
            records += AuditLog(File.ReadAllBytes(walPath), root.WalFile, legacyWal ? -1 : root.Generation, committed: false, Add, cancellationToken);
        }

        if (problems.Skip(first).All(problem => !problem.IsDamage))
        {
            // Everything decodes on its own: now the whole load (replay, slot maps, identity).
            // Without an embedder: the audit is of the files, and a custom-embedder index (whose
            // Embedder the auditor does not have) or a preset's model is no part of them.
            try
            {
                LodeDatabase.OpenGuarded(folder, new LodeDbOptions { ReadOnly = true, WithoutEmbedder = true }, recordedSpace ? () => true : null, cancellationToken).Dispose();
            }
            catch (CorruptDatabaseException ex)
            {
                Add(ex.File, ex.Offset, ex.Detail);
            }
            catch (LodeDatabaseException ex)
            {
                Add(LodeDatabase.RootFileName, -1, $"the folder does not load: {ex.Message}");
            }
        }

        if (root.GraphFile.Length == 0 && GraphFolderOf(folder) is string graphFolder)
        {
            // The index's knowledge graph (LodeGraph) is a store of the same kind: audited with it.
            records += AuditIndex(graphFolder, prefix + Graph.LodeGraph.FolderName + "/", problems, cancellationToken);
        }

        return records;
    }

    /// <summary>Snapshot, rows, sidecar and (a graph store) graph file of the base generation.</summary>
    private static void AuditBase(string folder, CommitRoot root, Action<string, long, string, bool> add)
    {
        NativeIndex? index = null;
        try
        {
            if (File.Exists(Path.Combine(folder, root.CodesFile)))
            {
                index = NativeIndex.Load(Path.Combine(folder, root.CodesFile));
                if (index.Dimension != root.Identity.Dim || index.Bits != root.Identity.BitWidth || index.Seed != root.Identity.Seed)
                {
                    add(root.CodesFile, -1, $"it holds a {index.Dimension}-d {index.Bits}-bit index with seed {index.Seed}, the root pointer records {root.Identity.Dim}-d {root.Identity.BitWidth}-bit seed {root.Identity.Seed}", true);
                }
            }
        }
        catch (LodeDbException ex)
        {
            add(root.CodesFile, -1, ex is LodeDb.Native.CorruptDataException corrupt ? corrupt.NativeMessage : ex.Message, true);
        }

        try
        {
            if (root.GraphFile.Length > 0 && File.Exists(Path.Combine(folder, root.GraphFile)))
            {
                Graph.GraphFile.Read(Path.Combine(folder, root.GraphFile), root.BaseGeneration);
            }
        }
        catch (CorruptDatabaseException ex)
        {
            add(ex.File, ex.Offset, ex.Detail, true);
        }

        try
        {
            if (!File.Exists(Path.Combine(folder, root.RowsFile)))
            {
                return;
            }

            SlotTable rows = RowsFile.Read(Path.Combine(folder, root.RowsFile), root.BaseGeneration);
            if (index is not null && ((ulong)rows.SlotCount != index.SlotCount || (ulong)rows.LiveSlotCount != index.LiveCount))
            {
                add(root.RowsFile, -1, $"it maps {rows.SlotCount} slots ({rows.LiveSlotCount} live), the index file holds {index.SlotCount} ({index.LiveCount} live)", true);
            }

            if (root.RescoreFile.Length > 0 && File.Exists(Path.Combine(folder, root.RescoreFile)))
            {
                foreach (StorageProblem problem in RescoreFileCheck.Audit(Path.Combine(folder, root.RescoreFile), root.RescoreFile, root.Identity.Rescore, root.Identity.Dim, root.BaseGeneration, rows.SlotCount))
                {
                    add(problem.File, problem.Offset, problem.Detail, true);
                }
            }
        }
        catch (CorruptDatabaseException ex)
        {
            add(ex.File, ex.Offset, ex.Detail, true);
        }
        finally
        {
            index?.Dispose();
        }
    }

    /// <summary>Every frame and record of a log image; beginGeneration: the generation its Begin record must name (-1: any, null: a journal, no Begin).</summary>
    private static long AuditLog(byte[] data, string name, long? beginGeneration, bool committed, Action<string, long, string, bool> add, CancellationToken cancellationToken)
    {
        (List<WalFrame> frames, List<WalDamage> damage) = WalFrames.Salvage(data);
        foreach (WalDamage region in damage)
        {
            bool lost = committed || region.IsInterior;
            add(name, region.Offset, region.IsInterior || committed
                ? region.Describe(name) + (region.IsInterior ? $"; the stretch up to offset {region.ResumeOffset} is unreadable" : "")
                : $"a torn tail from offset {region.Offset} ({region.Reason}): an append a crash interrupted, never acknowledged; the next writer cuts it", lost);
        }

        for (int i = 0; i < frames.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            WalRecord record;
            try
            {
                record = LogReplay.DecodeLogRecord(data, frames[i], name);
            }
            catch (CorruptDatabaseException ex)
            {
                add(name, ex.Offset, ex.Detail, true);
                continue;
            }

            bool shouldBegin = beginGeneration is not null && i == 0 && frames[0].Offset == 0;
            if (shouldBegin != record is BeginRecord)
            {
                add(name, frames[i].Offset, shouldBegin ? "the log does not start with a Begin record" : "an unexpected Begin record", true);
            }
            else if (record is BeginRecord begin && beginGeneration is long expected && expected >= 0 && begin.Generation != expected)
            {
                add(name, 0, $"its Begin record names generation {begin.Generation}, the root pointer is at generation {expected}: the log does not extend this generation", true);
            }
        }

        return frames.Count;
    }
}
