using LodeDb.Native;

namespace LodeDb;

/// <summary>The counters <see cref="LodeDatabase.Stats"/> reports: rows, log, files on disk, memory, embedding counters.</summary>
internal static class StoreStats
{
    /// <summary>Reads the counters; the caller holds the handle's read lock.</summary>
    public static LodeStats Collect(string path, SlotStore store, CommitLog log, EmbedderHost embedders, bool readOnly)
    {
        long disk = 0;
        foreach (string file in Directory.EnumerateFiles(path))
        {
            try
            {
                disk += new FileInfo(file).Length;
            }
            catch (IOException)
            {
                // A file removed by a concurrent checkpoint: it no longer counts.
            }
        }

        return new LodeStats
        {
            Count = store.Rows.LiveCount,
            SlotCount = store.Rows.SlotCount,
            Dimension = store.Identity.Dim,
            BitWidth = store.Identity.BitWidth,
            Generation = log.Generation,
            WalRecords = log.Records,
            WalBytes = log.Bytes,
            DiskBytes = disk,
            IndexMemoryBytes = checked((long)store.Index.Info.MemoryBytes),
            Rescore = store.Identity.Rescore,
            RescoreDiskBytes = store.Rescore?.FileBytes ?? 0,
            RescoreMapped = store.Rescore?.IsMapped ?? false,
            RescoreOverflowRows = store.Rescore?.OverflowRows ?? 0,
            SimdLevel = NativeLibraryInfo.SimdName(NativeLibraryInfo.SimdLevel),
            CommitMode = log.Mode,
            Durability = log.Durability,
            ReadOnly = readOnly,
            IngestEmbeddings = embedders.IngestText.Snapshot(),
            QueryEmbeddings = embedders.QueryText.Snapshot(),
            IngestImageEmbeddings = ImageEmbeddingMetrics.From(embedders.IngestImages.Snapshot()),
            QueryImageEmbeddings = ImageEmbeddingMetrics.From(embedders.QueryImages.Snapshot()),
        };
    }
}
