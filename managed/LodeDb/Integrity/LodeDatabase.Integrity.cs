using System.Globalization;
using LodeDb.Native;

namespace LodeDb;

/// <summary>Verify (a read-only audit) and Repair (the explicit way out of a fail-closed open).</summary>
public sealed partial class LodeDatabase
{
    /// <summary>Set only on a repair's handle: the replay then skips damage and records it here instead of failing.</summary>
    private SalvageLog? _salvage;

    /// <summary>
    /// Audits everything on disk without changing it: the root pointer, the base generation's
    /// snapshot, rows and re-score sidecar, every journal and log frame and record, and (when
    /// those pass) a full read-only load. A collection root audits its manifest and every space.
    /// </summary>
    /// <exception cref="DatabaseNotFoundException">The folder holds no database or collection.</exception>
    public static VerifyReport Verify(string path) => DatabaseAudit.Verify(path);

    /// <summary>
    /// Salvages a damaged folder: takes the writer lock, loads the base generation, replays every
    /// log record that still verifies (valid frames after a damaged one included), copies the
    /// damaged files aside into <c>repair-&lt;time&gt;/</c> (never deletes them), writes a fresh
    /// consistent generation, and reports exactly what was lost. A dry run reports only. A
    /// collection root repairs every space. Damage to the root pointer or the base snapshot and
    /// rows cannot be salvaged (the repair then throws <see cref="CorruptDatabaseException"/>:
    /// restore those from a backup).
    /// </summary>
    public static RepairReport Repair(string path, RepairOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        options ??= new RepairOptions();
        string full = System.IO.Path.GetFullPath(path);
        if (File.Exists(System.IO.Path.Combine(full, LodeCollection.ManifestFileName)))
        {
            CollectionManifest manifest = CollectionManifestFile.Read(full)!;
            var reports = manifest.Spaces
                .Select(space => RepairIndex(System.IO.Path.Combine(full, LodeCollection.SpacesFolderName, space.Name), $"{LodeCollection.SpacesFolderName}/{space.Name}/", options))
                .ToList();
            return new RepairReport(full, reports.Any(r => r.Applied), reports.SelectMany(r => r.Damage).ToList(), reports.Sum(r => r.RecordsSalvaged),
                reports.Sum(r => r.RecordsLost), reports.SelectMany(r => r.LostIds).ToList(), reports.Sum(r => r.LostRecordsWithUnknownIds),
                reports.Select(r => r.BackupFolder).FirstOrDefault(folder => folder is not null));
        }

        if (!File.Exists(System.IO.Path.Combine(full, RootFileName)))
        {
            throw new DatabaseNotFoundException(full);
        }

        return RepairIndex(full, "", options);
    }

    private static RepairReport RepairIndex(string folder, string prefix, RepairOptions options)
    {
        var salvage = new SalvageLog(prefix);
        var database = new LodeDatabase(folder, new LodeDbOptions { CommitMode = CommitMode.Wal, Durability = Durability.Fsync }) { _salvage = salvage };
        try
        {
            database._lock = WriterLock.Acquire(folder, options.LockTimeout);
            CommitRoot root = database.ReadRoot();
            database.LoadGeneration(root);
            database.SalvageWal(root);
            if (options.DryRun || !salvage.HasDamage)
            {
                return Report(folder, applied: false, salvage, backup: null);
            }

            string backup = CopyAside(folder, salvage.DamagedFiles.Append(RootFileName));
            database._walRecords = 0;
            database.Checkpoint();
            return Report(folder, applied: true, salvage, backup);
        }
        finally
        {
            database.ReleaseResources();
        }
    }

    private static RepairReport Report(string folder, bool applied, SalvageLog salvage, string? backup) =>
        new(folder, applied, salvage.Problems, salvage.Salvaged, salvage.Lost, salvage.LostIds, salvage.LostWithUnknownIds, backup);

    /// <summary>Copies <paramref name="names"/> into a fresh <c>repair-&lt;UTC time&gt;</c> subfolder, fsynced.</summary>
    private static string CopyAside(string folder, IEnumerable<string> names)
    {
        string backup = System.IO.Path.Combine(folder, "repair-" + DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss.fff", CultureInfo.InvariantCulture));
        Directory.CreateDirectory(backup);
        foreach (string name in names.Distinct())
        {
            string source = System.IO.Path.Combine(folder, name);
            if (File.Exists(source))
            {
                string target = System.IO.Path.Combine(backup, name);
                File.Copy(source, target);
                using var stream = new FileStream(target, FileMode.Open, FileAccess.ReadWrite);
                stream.Flush(flushToDisk: true);
            }
        }

        NativeFileSystem.SyncParentDirectory(System.IO.Path.Combine(backup, RootFileName));
        return backup;
    }

    /// <summary>The repair's replay of the root's log: every record that verifies, whatever damage lies between.</summary>
    private void SalvageWal(CommitRoot root)
    {
        SalvageLog salvage = _salvage!;
        string name = root.WalFile;
        bool legacy = name == GenerationFiles.LegacyWalFileName;
        byte[]? data = name.Length == 0 ? null : ReadLogFile(name);
        if (data is null)
        {
            if (name.Length > 0 && !legacy)
            {
                salvage.LostRecords(name, -1, "the log named by the root pointer is missing: whatever it held is lost", 0, []);
            }

            return;
        }

        (List<WalFrame> frames, List<WalDamage> damage) = WalFrames.Salvage(data);
        foreach (WalDamage region in damage)
        {
            salvage.Damaged(name, data, region, committed: false);
        }

        int start = 0;
        if (frames.Count > 0 && frames[0].Offset == 0 && TryDecode(data, frames[0], name) is BeginRecord begin)
        {
            start = 1;
            if (begin.Generation != root.Generation && (legacy || begin.Generation < root.Generation))
            {
                // Folded already (a release's log reset in place) or superseded by later
                // generations: replaying it could bring back what those removed.
                var ids = frames.Skip(1).SelectMany(frame => SalvageLog.IdsOf(data.AsSpan(frame.PayloadOffset, frame.PayloadLength).ToArray())).ToList();
                if (legacy)
                {
                    salvage.Notice(name, 0, $"a log of generation {begin.Generation}, folded before generation {root.Generation}: not replayed");
                }
                else
                {
                    salvage.LostRecords(name, 0, $"the log begins generation {begin.Generation}, older than the root's {root.Generation}: its {frames.Count - 1} records were not replayed", frames.Count - 1, ids);
                }

                return;
            }
        }

        SalvageRecords(data, frames.Skip(start), name);
    }

    /// <summary>The repair's replay of a committed journal prefix (called by <see cref="ApplyJournal"/> on a repair's handle).</summary>
    private void SalvageJournal(string name, byte[] data)
    {
        (List<WalFrame> frames, List<WalDamage> damage) = WalFrames.Salvage(data);
        foreach (WalDamage region in damage)
        {
            _salvage!.Damaged(name, data, region, committed: true);
        }

        SalvageRecords(data, frames, name);
    }

    private void SalvageRecords(byte[] data, IEnumerable<WalFrame> frames, string name)
    {
        SalvageLog salvage = _salvage!;
        foreach (WalFrame frame in frames)
        {
            if (TryDecode(data, frame, name) is not WalRecord record || record is BeginRecord)
            {
                continue;
            }

            try
            {
                ApplyLogRecord(record, name, frame.Offset);
                salvage.Salvaged++;
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException or CorruptDatabaseException or LodeDbException)
            {
                salvage.LostRecords(name, frame.Offset, $"the record decodes but does not apply: {ex.Message}", 1,
                    SalvageLog.IdsOf(data.AsSpan(frame.PayloadOffset, frame.PayloadLength).ToArray()));
            }
        }
    }

    private WalRecord? TryDecode(byte[] data, WalFrame frame, string name)
    {
        try
        {
            return DecodeLogRecord(data, frame, name);
        }
        catch (CorruptDatabaseException ex)
        {
            _salvage!.LostRecords(name, frame.Offset, ex.Detail, 1, []);
            return null;
        }
    }
}
