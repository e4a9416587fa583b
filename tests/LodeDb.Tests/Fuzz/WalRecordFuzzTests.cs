using CsCheck;

namespace LodeDb.Tests.Fuzz;

/// <summary>
/// WAL record payloads (<see cref="WalRecord"/>): every encodable batch decodes back exactly, and
/// mutated or random payloads fail only with <see cref="FormatException"/> (what the decoder
/// documents; the open path reports it as corruption), within bounded memory and time.
/// </summary>
public sealed class WalRecordFuzzTests
{
    /// <summary>Upsert batches of every record shape: plain, chunked with text and/or terms, with a re-score block, with content hashes.</summary>
    internal static readonly Gen<UpsertBatch> Batches =
        Gen.Select(FuzzData.Metadata.Array[1, 4], Gen.Int[1, 24], Gen.Int, Gen.Int[0, 3], (metadata, bytesPerRow, seed, shape) => Build(metadata, bytesPerRow, seed, shape));

    private static readonly Gen<byte[]> Payloads = Gen.Frequency(
        (6, Batches.Select(WalRecord.EncodeUpsert)),
        (1, FuzzData.NonEmptyText.Select(WalRecord.EncodeRemove)),
        (1, FuzzData.NonEmptyText.Array[1, 5].Select(ids => WalRecord.EncodeRemoveMany(ids))),
        (1, Gen.Long.Select(WalRecord.EncodeBegin)));

    private static UpsertBatch Build(IReadOnlyDictionary<string, object?>[] metadata, int bytesPerRow, int seed, int shape)
    {
        var random = new Random(seed);
        int documents = metadata.Length;
        string[] ids = Enumerable.Range(0, documents).Select(d => $"{d}:{FuzzData.RandomText(random)}").ToArray();
        bool chunked = shape >= 2;
        int[] starts = new int[documents + 1];
        for (int d = 0; d < documents; d++)
        {
            starts[d + 1] = starts[d] + (chunked ? random.Next(1, 4) : 1);
        }

        int chunks = starts[^1];
        var codes = new byte[chunks * bytesPerRow];
        random.NextBytes(codes);
        float[] scales = Enumerable.Range(0, chunks).Select(_ => (float)random.NextDouble()).ToArray();
        string?[] texts = Enumerable.Range(0, chunks).Select(_ => chunked && random.Next(2) == 0 ? FuzzData.RandomText(random, 1) : null).ToArray();
        string[]?[] tokens = Enumerable.Range(0, chunks).Select(_ => chunked ? FuzzData.Tokens(random) : null).ToArray();
        var batch = new UpsertBatch(ids, metadata, codes, scales, bytesPerRow, starts, texts, tokens, persistTerms: chunked && random.Next(2) == 0);
        if (shape % 2 == 1)
        {
            // Sidecar rows through the real row encoder, from unit vectors (as the engine writes them).
            RescoreStorage kind = random.Next(2) == 0 ? RescoreStorage.Int8 : RescoreStorage.Float16;
            int dimension = random.Next(1, 9);
            int rowBytes = RescoreCodec.RowBytes(kind, dimension);
            var rows = new byte[chunks * rowBytes];
            for (int c = 0; c < chunks; c++)
            {
                float[] vector = Enumerable.Range(0, dimension).Select(_ => (float)(random.NextDouble() * 2 - 1) + 1e-3f).ToArray();
                float norm = MathF.Sqrt(vector.Sum(x => x * x));
                RescoreCodec.Encode(kind, vector.Select(x => x / norm).ToArray(), rows.AsSpan(c * rowBytes, rowBytes));
            }

            batch.AttachRescore(rows, kind);
        }

        if (random.Next(2) == 0)
        {
            var hashes = new byte[documents * LodeContentHash.Bytes];
            random.NextBytes(hashes);
            batch.AttachContentHashes(hashes);
        }

        return batch;
    }

    private static bool Documented(Exception e) => e is FormatException;

    [Test]
    public void EveryBatchRoundTrips()
    {
        Batches.Sample(
            batch =>
            {
                var decoded = (UpsertRecord)WalRecord.Decode(WalRecord.EncodeUpsert(batch));
                UpsertBatch back = decoded.Batch;
                bool same = back.Ids.SequenceEqual(batch.Ids)
                    && back.Metadata.Zip(batch.Metadata).All(p => FuzzData.SameMetadata(p.First, p.Second))
                    && back.Codes.AsSpan().SequenceEqual(batch.Codes)
                    && back.Scales.AsSpan().SequenceEqual(batch.Scales)
                    && back.ChunkStarts.AsSpan().SequenceEqual(batch.ChunkStarts)
                    && back.Texts.SequenceEqual(batch.Texts)
                    && (back.RescoreRows ?? []).AsSpan().SequenceEqual(batch.RescoreRows ?? [])
                    && back.RescoreKind == batch.RescoreKind
                    && (back.ContentHashes ?? []).AsSpan().SequenceEqual(batch.ContentHashes ?? [])
                    && Enumerable.Range(0, batch.ChunkCount).All(c => FuzzData.SameTokens(back.Tokens[c], batch.PersistTerms ? batch.Tokens[c] : null));
                if (!same)
                {
                    throw new InvalidOperationException("the batch read back differently");
                }
            },
            iter: FuzzRun.Iterations(FuzzRun.DefaultIterations),
            time: FuzzRun.Seconds,
            threads: 1);
    }

    [Test]
    public void MutatedPayloadsFailOnlyWithFormatException()
    {
        Gen<byte[]> inputs = Gen.Select(Payloads, ByteMutations.Some, ByteMutations.Apply);
        FuzzRun.Check(inputs, b => b.Length, b => WalRecord.Decode(b), Documented, FuzzRun.DefaultIterations * 5);
    }

    [Test]
    public void RandomPayloadsFailOnlyWithFormatException()
    {
        // A valid op byte first, so the random bytes reach the record's fields.
        Gen<byte[]> inputs = Gen.Select(Gen.OneOf<byte>(1, 2, 3, 4, 0x82, 0x84), Gen.Byte.Array[0, 120], (op, rest) => (byte[])[op, .. rest]);
        FuzzRun.Check(inputs, b => b.Length, b => WalRecord.Decode(b), Documented, FuzzRun.DefaultIterations * 2);
    }

    [TestCase(0x7FFFFFFFu, 1u)]
    [TestCase(2u, 0x7FFFFFFFu)]
    [TestCase(3u, 0x40000000u)]
    [TestCase(0x80000000u, 1u)]
    [TestCase(1u, 0xFFFFFFFFu)]
    public void HugeCountsAreRefusedBeforeTheyAreAllocated(uint rows, uint bytesPerRow)
    {
        // Op 2 (Upsert) announcing rows x bytesPerRow of codes with a few bytes behind it.
        var payload = new ByteWriter(64);
        payload.U8(WalRecord.UpsertOp);
        payload.U32(rows);
        payload.U32(bytesPerRow);
        payload.Bytes(new byte[16]);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<FormatException>(() => WalRecord.Decode(payload.Written.ToArray()));
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(1 << 20));
    }

    [Test]
    public void AHugeTermFrequencyIsKeptCountedNotExpanded()
    {
        // One chunk whose single term claims 2^24 occurrences: 16.7 million references if expanded.
        var payload = new ByteWriter(64);
        payload.U8(WalRecord.ChunkedUpsertOp);
        payload.U32(1);            // documents
        payload.U32(1);            // code bytes per row
        payload.String("doc");
        payload.Blob([]);          // no metadata
        payload.U32(1);            // chunks
        payload.F32(1f);
        payload.U8(0);             // codes
        payload.U8(2);             // flags: terms
        payload.U32(1);            // term count
        payload.String("a");
        payload.U32(1u << 24);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var record = (UpsertRecord)WalRecord.Decode(payload.Written.ToArray());
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(1 << 20));
        Assert.That(record.Batch.Tokens[0]!.Count, Is.EqualTo(1 << 24));
        Assert.That(WalRecord.TermCounts(record.Batch.Tokens[0]), Is.EqualTo(new[] { new KeyValuePair<string, int>("a", 1 << 24) }));
    }

    [Test]
    public void InvalidUtf8IsAFormatException()
    {
        byte[] payload = WalRecord.EncodeRemove("ab");
        payload[^1] = 0x80; // a continuation byte with no lead byte
        Assert.Throws<FormatException>(() => WalRecord.Decode(payload));
    }
}
