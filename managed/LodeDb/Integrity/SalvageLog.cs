using System.Buffers.Binary;
using LodeDb.Native;
using LodeDb.Native.Interop;

namespace LodeDb;

/// <summary>What a repair's salvaging replay kept and lost, record by record.</summary>
internal sealed class SalvageLog(string prefix)
{
    private readonly List<StorageProblem> _problems = [];
    private readonly List<string> _lostIds = [];
    private readonly HashSet<string> _damagedFiles = new(StringComparer.Ordinal);

    public IReadOnlyList<StorageProblem> Problems => _problems;

    public IReadOnlyList<string> LostIds => _lostIds;

    /// <summary>Files (relative to the index folder) holding damage: copied aside before a repair writes.</summary>
    public IReadOnlyCollection<string> DamagedFiles => _damagedFiles;

    public long Salvaged { get; set; }

    public long Lost { get; private set; }

    public long LostWithUnknownIds { get; private set; }

    public bool HasDamage => _problems.Any(problem => problem.IsDamage);

    public void Notice(string file, long offset, string detail) =>
        _problems.Add(new StorageProblem(prefix + file, offset, detail) { IsDamage = false });

    /// <summary>Records lost whole (a missing log, a log of an older generation, a record that decodes but does not apply).</summary>
    public void LostRecords(string file, long offset, string detail, long records, IEnumerable<string> ids)
    {
        _problems.Add(new StorageProblem(prefix + file, offset, detail));
        _damagedFiles.Add(file);
        Lost += records;
        int before = _lostIds.Count;
        _lostIds.AddRange(ids);
        LostWithUnknownIds += Math.Max(0, records - (_lostIds.Count - before));
    }

    /// <summary>A damaged stretch of a log image: counts the frames it held and reads their ids where the payload still decodes.</summary>
    public void Damaged(string file, byte[] data, WalDamage region, bool committed)
    {
        if (!region.IsInterior && !committed)
        {
            Notice(file, region.Offset, $"a torn tail ({region.Reason}): an append a crash interrupted, never acknowledged");
            return;
        }

        long end = region.IsInterior ? region.ResumeOffset : data.Length;
        var ids = new List<string>();
        long records = 0;
        long at = region.Offset;
        while (at < end)
        {
            records++;
            if (end - at < NativeConstants.WalRecordOverhead || !data.AsSpan((int)at, 4).SequenceEqual("LWAL"u8))
            {
                break;
            }

            long length = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan((int)at + 8));
            long next = at + NativeConstants.WalRecordOverhead + length;
            if (next > end)
            {
                break;
            }

            ids.AddRange(IdsOf(data.AsSpan((int)at + NativeConstants.WalRecordOverhead, (int)length).ToArray()));
            at = next;
        }

        LostRecords(file, region.Offset, region.Describe(file) + $": {records} record(s) lost", records, ids);
    }

    /// <summary>The ids a record's payload names, read without its CRC (empty when it does not decode).</summary>
    public static IEnumerable<string> IdsOf(byte[] payload)
    {
        try
        {
            return WalRecord.Decode(payload) switch
            {
                UpsertRecord upsert => upsert.Batch.Ids,
                RemoveRecord remove => remove.Ids,
                Graph.GraphWriteRecord graph => graph.NodeUpserts.Select(n => n.Id).Concat(graph.EdgeUpserts.Select(e => e.Id!)).Concat(graph.NodeRemovals).Concat(graph.EdgeRemovals).ToArray(),
                _ => [],
            };
        }
        catch (Exception)
        {
            // Damaged bytes may fail any way at all: their ids are simply unknown.
            return [];
        }
    }
}
