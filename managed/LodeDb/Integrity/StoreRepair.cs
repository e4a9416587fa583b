using System.Globalization;
using LodeDb.Diagnostics;
using LodeDb.Native;
using Microsoft.Extensions.Logging;

namespace LodeDb;

/// <summary>
/// The repair of one index folder behind <see cref="LodeDatabase.Repair"/>: under the writer
/// lock, load the base, salvage every log record that verifies, copy the damaged files aside
/// and publish a fresh generation.
/// </summary>
internal static class StoreRepair
{
    public static RepairReport Run(string folder, string prefix, RepairOptions options, CancellationToken cancellationToken = default)
    {
        var salvage = new SalvageLog(prefix);
        using WriterLock writerLock = WriterLock.Acquire(folder, options.LockTimeout, cancellationToken);
        var defaults = new LodeDbOptions();
        using var log = new CommitLog(folder, CommitMode.Wal, Durability.Fsync, defaults.CheckpointEveryRecords, defaults.CheckpointEveryBytes);
        var telemetry = new OperationTelemetry(folder, new LodeDbOptions { LoggerFactory = options.LoggerFactory });
        log.Telemetry = telemetry;
        CommitRoot root = CommitRootFile.Read(folder);
        using SlotStore store = StoreOpener.LoadGeneration(folder, root, log, salvage, cancellationToken);
        LogSalvage.SalvageWal(folder, root, store, salvage, cancellationToken);
        foreach (StorageProblem problem in salvage.Problems)
        {
            LodeDbLog.SalvageFinding(telemetry.Logger, problem.IsDamage ? LogLevel.Warning : LogLevel.Information, folder,
                problem.IsDamage ? "damage" : "a notice (nothing acknowledged lost)", problem.File, problem.Offset);
        }

        if (options.DryRun || !salvage.HasDamage)
        {
            LodeDbLog.RepairNotApplied(telemetry.Logger, folder, salvage.HasDamage ? "(dry run)" : "found nothing to repair", salvage.Salvaged, salvage.Lost);
            return Report(folder, applied: false, salvage, backup: null);
        }

        // The last point a cancellation stops the repair: past it the damaged files are copied aside
        // and the new generation published, which completes (the publish is atomic).
        cancellationToken.ThrowIfCancellationRequested();
        string backup = CopyAside(folder, salvage.DamagedFiles.Append(LodeDatabase.RootFileName));
        log.ForgetRecords();
        log.Checkpoint(store);
        LodeDbLog.Repaired(telemetry.Logger, folder, salvage.Salvaged, salvage.Lost, backup);
        return Report(folder, applied: true, salvage, backup);
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

        NativeFileSystem.SyncParentDirectory(System.IO.Path.Combine(backup, LodeDatabase.RootFileName));
        return backup;
    }
}
