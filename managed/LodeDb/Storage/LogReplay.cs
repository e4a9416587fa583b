using System.Text.Json;
using LodeDb.Native;

namespace LodeDb;

/// <summary>Replaying logs on top of a loaded base: the WAL of the root's generation and the Generation-mode journal.</summary>
internal static class LogReplay
{
    /// <summary>What a WAL replay found: the bytes up to the first bad frame, the file's bytes, the records applied.</summary>
    public readonly record struct WalReplay(long ValidBytes, long FileBytes, long Applied);

    /// <summary>
    /// Applies the records of the log the root names on top of the loaded generation. A torn
    /// tail (a crash mid-append, never acknowledged) ends the replay quietly; damage with a valid
    /// frame after it, a log that begins another generation, or a named log that is missing, is
    /// <see cref="CorruptDatabaseException"/>: nothing is applied past it and nothing on disk is
    /// changed. The caller truncates a torn tail (writers) or just reads (read-only handles).
    /// </summary>
    public static WalReplay ReplayWal(string folder, CommitRoot root, SlotStore store, CancellationToken cancellationToken = default)
    {
        string name = root.WalFile;
        if (name.Length == 0)
        {
            return default;
        }

        bool legacy = name == GenerationFiles.LegacyWalFileName;
        byte[]? data = ReadLogFile(folder, name);
        if (data is null)
        {
            // A release's single log was deleted by Generation-mode writers; a generation's own
            // log is created before the root that names it.
            return legacy ? default : throw CommitRootFile.MissingFile(name, null);
        }

        (List<WalFrame> frames, WalDamage? damage) = ReadFrames(name, data);
        if (damage is { IsInterior: true })
        {
            throw new CorruptDatabaseException(name, damage.Offset, damage.Describe(name) + "; the records after it were acknowledged and would be lost");
        }

        long validBytes = damage?.Offset ?? data.Length;
        if (frames.Count == 0)
        {
            return new WalReplay(0, data.Length, 0);
        }

        if (DecodeLogRecord(data, frames[0], name) is not BeginRecord begin)
        {
            throw new CorruptDatabaseException(name, 0, "the log does not start with a Begin record");
        }

        if (begin.Generation != root.Generation)
        {
            if (legacy)
            {
                // A release's log, reset in place after each checkpoint: one that begins another
                // generation was folded by a checkpoint interrupted after its rename.
                return new WalReplay(0, data.Length, 0);
            }

            throw new CorruptDatabaseException(name, 0,
                $"its Begin record names generation {begin.Generation}, but {LodeDatabase.RootFileName} is at generation {root.Generation}: the log does not extend this generation, and its {frames.Count - 1} records would be lost");
        }

        for (int i = 1; i < frames.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ApplyLogRecord(store, DecodeLogRecord(data, frames[i], name), name, frames[i].Offset);
        }

        return new WalReplay(validBytes, data.Length, frames.Count - 1);
    }

    /// <summary>
    /// Applies the committed prefix of a Generation-mode journal and returns the log counters
    /// (records, bytes). Unlike the WAL's tail, every byte of that prefix was committed by a root
    /// rename, so a frame that does not decode there is damage, never a torn append. A repair
    /// (<paramref name="salvage"/> set) applies what verifies and records the rest instead.
    /// </summary>
    public static (long Records, long Bytes) ApplyJournal(string folder, string name, long committedLength, SlotStore store, SalvageLog? salvage, CancellationToken cancellationToken = default)
    {
        byte[]? read = ReadLogFile(folder, name);
        if (read is null && salvage is not null)
        {
            salvage.LostRecords(name, -1, "the journal named by the root pointer is missing: whatever it held is lost", 0, []);
            return (0, 0);
        }

        byte[] data = read ?? throw CommitRootFile.MissingFile(name, null);
        if (salvage is not null)
        {
            if (data.Length < committedLength)
            {
                salvage.LostRecords(name, data.Length, $"it holds {data.Length} bytes, the root pointer committed {committedLength}: the records past the end are lost", 1, []);
            }

            LogSalvage.SalvageJournal(name, data.AsSpan(0, (int)Math.Min(data.Length, committedLength)).ToArray(), store, salvage, cancellationToken);
            return (0, committedLength);
        }

        if (data.Length < committedLength)
        {
            throw new CorruptDatabaseException(name, data.Length, $"it holds {data.Length} bytes, the root pointer committed {committedLength}");
        }

        byte[] committed = data.AsSpan(0, checked((int)committedLength)).ToArray();
        (List<WalFrame> frames, WalDamage? damage) = ReadFrames(name, committed);
        if (damage is not null)
        {
            throw new CorruptDatabaseException(name, damage.Offset, $"the committed frame at offset {damage.Offset} does not decode ({damage.Reason})");
        }

        foreach (WalFrame frame in frames)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ApplyLogRecord(store, DecodeLogRecord(data, frame, name), name, frame.Offset);
        }

        return (frames.Count, committedLength);
    }

    /// <summary>The whole log file, or null when it does not exist.</summary>
    public static byte[]? ReadLogFile(string folder, string name)
    {
        try
        {
            using var stream = new FileStream(Path.Combine(folder, name), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            byte[] data = new byte[stream.Length];
            stream.ReadExactly(data);
            return data;
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    private static (List<WalFrame> Frames, WalDamage? Damage) ReadFrames(string name, byte[] data)
    {
        try
        {
            return WalFrames.ReadPrefix(data);
        }
        catch (NewerLogRecordException ex)
        {
            // Never truncated as a torn tail: those are a newer writer's acknowledged records.
            throw new LodeDatabaseException($"'{name}' holds an intact record of a newer log format at offset {ex.Offset} ({ex.Message}); open the folder with the LodeDb release that wrote it.", ex);
        }
    }

    /// <summary>Decodes the record of a frame whose CRC matched: a record that does not decode is damage at the frame's offset.</summary>
    public static WalRecord DecodeLogRecord(byte[] data, WalFrame frame, string name)
    {
        try
        {
            return WalRecord.Decode(data.AsSpan(frame.PayloadOffset, frame.PayloadLength).ToArray());
        }
        catch (Exception ex) when (ex is FormatException or JsonException or ArgumentException or System.Text.DecoderFallbackException or OverflowException)
        {
            // The frame's CRC matched, so these bytes were written as they are: not a torn tail.
            throw new CorruptDatabaseException(name, frame.Offset, $"the record does not decode: {ex.Message}", ex);
        }
    }

    /// <summary>Applies one replayed record to the store; one that does not fit it is damage at its offset.</summary>
    public static void ApplyLogRecord(SlotStore store, WalRecord record, string name, long offset)
    {
        try
        {
            switch (record)
            {
                case UpsertRecord upsert:
                    store.ApplyUpsert(upsert.Batch);
                    break;
                case RemoveRecord remove:
                    foreach (string id in remove.Ids)
                    {
                        store.ApplyRemove(id);
                    }

                    break;
                case Graph.GraphWriteRecord graph:
                    graph.Apply(store);
                    break;
                default:
                    throw new CorruptDatabaseException(name, offset, "an unexpected Begin record");
            }
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or OverflowException or LodeDb.Native.LodeDbException && ex is not LodeDatabaseException)
        {
            // The frame's CRC matched but the record does not fit this index (rows, codes, sidecar):
            // damage written as it is, never a raw exception out of Open.
            throw new CorruptDatabaseException(name, offset, $"the record does not apply: {ex.Message}", ex);
        }
    }
}
