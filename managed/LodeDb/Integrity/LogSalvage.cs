using LodeDb.Native;

namespace LodeDb;

/// <summary>A repair's replay: every log record that verifies is applied, whatever damage lies between; the rest is recorded in the <see cref="SalvageLog"/>.</summary>
internal static class LogSalvage
{
    /// <summary>The repair's replay of the root's log: every record that verifies, whatever damage lies between.</summary>
    public static void SalvageWal(string folder, CommitRoot root, SlotStore store, SalvageLog salvage, CancellationToken cancellationToken = default)
    {
        string name = root.WalFile;
        bool legacy = name == GenerationFiles.LegacyWalFileName;
        byte[]? data = name.Length == 0 ? null : LogReplay.ReadLogFile(folder, name);
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
        if (frames.Count > 0 && frames[0].Offset == 0 && TryDecode(data, frames[0], name, salvage) is BeginRecord begin)
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

        SalvageRecords(data, frames.Skip(start), name, store, salvage, cancellationToken);
    }

    /// <summary>The repair's replay of a committed journal prefix (called by <see cref="LogReplay.ApplyJournal"/> during a repair).</summary>
    public static void SalvageJournal(string name, byte[] data, SlotStore store, SalvageLog salvage, CancellationToken cancellationToken = default)
    {
        (List<WalFrame> frames, List<WalDamage> damage) = WalFrames.Salvage(data);
        foreach (WalDamage region in damage)
        {
            salvage.Damaged(name, data, region, committed: true);
        }

        SalvageRecords(data, frames, name, store, salvage, cancellationToken);
    }

    private static void SalvageRecords(byte[] data, IEnumerable<WalFrame> frames, string name, SlotStore store, SalvageLog salvage, CancellationToken cancellationToken)
    {
        foreach (WalFrame frame in frames)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (TryDecode(data, frame, name, salvage) is not WalRecord record || record is BeginRecord)
            {
                continue;
            }

            try
            {
                LogReplay.ApplyLogRecord(store, record, name, frame.Offset);
                salvage.Salvaged++;
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException or CorruptDatabaseException or LodeDbException)
            {
                salvage.LostRecords(name, frame.Offset, $"the record decodes but does not apply: {ex.Message}", 1,
                    SalvageLog.IdsOf(data.AsSpan(frame.PayloadOffset, frame.PayloadLength).ToArray()));
            }
        }
    }

    private static WalRecord? TryDecode(byte[] data, WalFrame frame, string name, SalvageLog salvage)
    {
        try
        {
            return LogReplay.DecodeLogRecord(data, frame, name);
        }
        catch (CorruptDatabaseException ex)
        {
            salvage.LostRecords(name, frame.Offset, ex.Detail, 1, []);
            return null;
        }
    }
}
