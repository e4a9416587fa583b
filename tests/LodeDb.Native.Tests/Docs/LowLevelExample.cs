using System.Text;
using LodeDb.Native;

namespace LodeDb.Native.Examples;

public static class LowLevelExample
{
    public static void Run(string folder, TextWriter output)
    {
        // An index of 4-dimensional vectors at 4 bits per coordinate; the seed fixes the rotation.
        using NativeIndex index = NativeIndex.Create(dimension: 4, bits: 4, seed: 42);

        // Three vectors, row-major. They get consecutive slots, starting at `first`.
        float[] vectors =
        [
            1.0f, 0.0f, 0.0f, 0.0f,
            0.0f, 1.0f, 0.0f, 0.0f,
            0.7f, 0.7f, 0.0f, 0.1f,
        ];
        ulong first = index.Add(vectors);
        output.WriteLine($"added slots {first}..{first + 2}, {index.LiveCount} live");

        // Top-2 for one query (queries are row-major too; one result array per query).
        float[] query = [0.9f, 0.1f, 0.0f, 0.0f];
        foreach (SlotHit hit in index.Search(query, k: 2)[0])
        {
            output.WriteLine($"slot {hit.Slot} score {hit.Score:F2}");
        }

        // Documents: slots 0 and 2 are two chunks of document 10, slot 1 is document 11.
        // One call returns distinct documents, each at its best chunk.
        uint[] slotDocuments = [10, 11, 10];
        SlotHit[] documents = index.SearchDocuments(query, k: 2, slotDocuments)[0];
        output.WriteLine($"documents: {string.Join(", ", documents.Select(h => slotDocuments[h.Slot]))}");

        // A filter: bit s of the mask allows slot s (here slots 1 and 2 only).
        ulong[] allowMask = [0b110];
        output.WriteLine($"filtered best: slot {index.Search(query, k: 1, allowMask)[0][0].Slot}");

        // Snapshot: save, load, same answers.
        string snapshot = Path.Combine(folder, "index.snapshot");
        index.Save(snapshot, sync: true);
        using (NativeIndex loaded = NativeIndex.Load(snapshot))
        {
            output.WriteLine($"loaded {loaded.LiveCount} live, best slot {loaded.Search(query, k: 1)[0][0].Slot}");
        }

        // Write-ahead log: frame and append opaque payloads, then replay them in order.
        string walPath = Path.Combine(folder, "example.wal");
        using (NativeWal wal = NativeWal.Open(walPath))
        {
            wal.Append("add 0..2"u8, sync: true);
            wal.Append("remove 1"u8);
        }

        var records = new List<string>();
        WalReplayResult replay = NativeWal.ReplayFile(walPath, payload =>
        {
            records.Add(Encoding.UTF8.GetString(payload));
            return true; // false would stop the replay
        });
        output.WriteLine($"replayed {replay.RecordCount} records, {replay.ValidBytes} valid bytes: {string.Join(" | ", records)}");

        // Errors are typed exceptions carrying the native message.
        try
        {
            index.Add([1.0f, float.NaN, 0.0f, 0.0f]);
        }
        catch (InvalidVectorException e)
        {
            output.WriteLine($"refused: {e.Status}");
        }
    }
}
