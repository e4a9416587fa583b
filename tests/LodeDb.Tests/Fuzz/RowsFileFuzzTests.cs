using CsCheck;

namespace LodeDb.Tests.Fuzz;

/// <summary>
/// The rows file (<see cref="RowsFile"/>): written tables read back exactly, and damaged files
/// fail only with <see cref="CorruptDatabaseException"/>. Half the damaged files get their CRC
/// recomputed, so the mutations reach the parser behind the checksum.
/// </summary>
public sealed class RowsFileFuzzTests
{
    private const long Generation = 7;

    /// <summary>A slot table (live and removed slots, chunked documents, optional text) and the terms each live slot persists.</summary>
    internal sealed record Table(SlotTable Rows, IReadOnlyList<KeyValuePair<string, int>>?[] Terms);

    private static readonly Gen<Table> Tables =
        Gen.Select(FuzzData.Metadata.Array[0, 6], Gen.Int, (metadata, seed) => Build(metadata, seed));

    private static Table Build(IReadOnlyDictionary<string, object?>[] metadata, int seed)
    {
        var random = new Random(seed);
        var rows = new SlotTable();
        var terms = new List<IReadOnlyList<KeyValuePair<string, int>>?>();
        bool text = random.Next(2) == 0;
        for (int d = 0; d < metadata.Length; d++)
        {
            if (random.Next(4) == 0)
            {
                rows.AppendDead();
                terms.Add(null);
            }

            string id = $"{d}:{FuzzData.RandomText(random)}";
            int chunks = text ? random.Next(1, 4) : 1;
            for (int c = 0; c < chunks; c++)
            {
                rows.AppendLive(id, metadata[d], text ? FuzzData.RandomText(random, 1) : null);
                terms.Add(text ? null : WalRecord.TermCounts(FuzzData.Tokens(random)));
            }

            if (random.Next(2) == 0)
            {
                var hash = new byte[LodeContentHash.Bytes];
                random.NextBytes(hash);
                rows.SetContentHash(id, hash);
            }
        }

        return new Table(rows, terms.ToArray());
    }

    private static byte[] Encode(Table table, TestFolder folder)
    {
        string path = folder.File("encode.rows");
        RowsFile.Write(path, Generation, table.Rows, sync: false, slot => table.Terms[slot]);
        return File.ReadAllBytes(path);
    }

    [Test]
    public void EveryTableRoundTrips()
    {
        using var folder = new TestFolder();
        Directory.CreateDirectory(folder.Path);
        Tables.Sample(
            table =>
            {
                string path = folder.File("index.g7.rows");
                RowsFile.Write(path, Generation, table.Rows, sync: false, slot => table.Terms[slot]);
                SlotTable back = RowsFile.Read(path, Generation, out IReadOnlyList<string>?[] tokens);
                bool same = back.SlotCount == table.Rows.SlotCount && Enumerable.Range(0, back.SlotCount).All(slot =>
                    back.IdAt(slot) == table.Rows.IdAt(slot)
                    && FuzzData.SameMetadata(back.MetadataAt(slot), table.Rows.MetadataAt(slot))
                    && back.TextAt(slot) == table.Rows.TextAt(slot)
                    && (back.IdAt(slot) is not string id || (back.ContentHashOf(id) ?? []).AsSpan().SequenceEqual(table.Rows.ContentHashOf(id) ?? []))
                    && FuzzData.SameTokens(tokens[slot], table.Terms[slot]?.SelectMany(t => Enumerable.Repeat(t.Key, t.Value)).ToArray()));
                if (!same)
                {
                    throw new InvalidOperationException("the rows file read back differently");
                }
            },
            iter: FuzzRun.Iterations(FuzzRun.DefaultIterations / 2),
            time: FuzzRun.Seconds,
            threads: 1);
    }

    [Test]
    public void DamagedFilesFailOnlyWithCorruptDatabaseException()
    {
        using var folder = new TestFolder();
        Directory.CreateDirectory(folder.Path);
        Gen<byte[]> inputs = Gen.Select(Tables, ByteMutations.Some, Gen.Bool, (table, mutations, reseal) =>
        {
            byte[] damaged = ByteMutations.Apply(Encode(table, folder), mutations);
            return reseal ? ByteMutations.Reseal(damaged) : damaged;
        });
        string path = folder.File("index.g7.rows");
        FuzzRun.Check(
            inputs,
            b => b.Length,
            b =>
            {
                File.WriteAllBytes(path, b);
                RowsFile.Read(path, Generation);
            },
            e => e is CorruptDatabaseException,
            FuzzRun.DefaultIterations * 2);
    }

    [Test]
    public void RandomBodiesBehindAValidHeaderFailOnlyWithCorruptDatabaseException()
    {
        using var folder = new TestFolder();
        Directory.CreateDirectory(folder.Path);
        string path = folder.File("index.g7.rows");
        Gen<byte[]> inputs = Gen.Select(Gen.Int[1, 2], Gen.Byte.Array[0, 160], (version, body) =>
        {
            var file = new ByteWriter(200);
            file.Bytes("LDBROWS1"u8);
            file.U32(version);
            file.U32(0);
            file.U64(Generation);
            file.U64((ulong)(body.Length > 0 ? body[0] % 8 : 0));
            file.Bytes(body);
            file.U32(0);
            return ByteMutations.Reseal(file.Written.ToArray());
        });
        FuzzRun.Check(
            inputs,
            b => b.Length,
            b =>
            {
                File.WriteAllBytes(path, b);
                RowsFile.Read(path, Generation);
            },
            e => e is CorruptDatabaseException);
    }
}
