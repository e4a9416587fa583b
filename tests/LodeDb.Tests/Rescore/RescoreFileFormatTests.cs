using System.Buffers.Binary;
using LodeDb.Native;

namespace LodeDb.Tests;

/// <summary>
/// The sidecar file itself (format version 2): its layout pinned byte by byte, and every change
/// to its bytes (each bit of a small file, sampled damage of a multi-block one) failing the open.
/// </summary>
public sealed class RescoreFileFormatTests
{
    private const string Name = "index.g7.rescore";
    private const long Generation = 7;

    /// <summary>Writes <paramref name="rows"/> encoded unit vectors of <paramref name="dim"/> as generation 7; returns the file's path.</summary>
    private static string WriteSidecar(TestFolder folder, RescoreStorage kind, int dim, int rows)
    {
        Directory.CreateDirectory(folder.Path);
        var random = new Random(41);
        using RescoreStore store = RescoreStore.CreateEmpty(kind, dim);
        byte[] row = new byte[store.RowBytes];
        for (int r = 0; r < rows; r++)
        {
            RescoreCodec.Encode(kind, RescoreData.Normalized(Vectors.Random(random, dim)), row);
            store.Append(row);
        }

        string path = folder.File(Name);
        store.Write(path, Generation, sync: false);
        return path;
    }

    private static void AssertOpenFails(string path, RescoreStorage kind, int dim, int rows, string what)
    {
        var ex = Assert.Throws<CorruptDatabaseException>(() => RescoreStore.Open(path, Name, kind, dim, Generation, rows).Dispose(), what);
        Assert.That(ex!.File, Is.EqualTo(Name), what);
        Assert.That(RescoreFileCheck.Audit(path, Name, kind, dim, Generation, rows), Is.Not.Empty, $"{what}: the audit");
    }

    [Test]
    public void TheLayoutIsTheDocumentedOne()
    {
        using var folder = new TestFolder();
        const int dim = 300; // int8 rows of 304 bytes: 215 rows per block, so 500 rows make 3 blocks
        string path = WriteSidecar(folder, RescoreStorage.Int8, dim, 500);
        byte[] bytes = File.ReadAllBytes(path);
        const int rowBytes = dim + 4;
        const int blockRows = 65536 / rowBytes;
        Assert.That(blockRows, Is.EqualTo(215));
        long tableOffset = 64 + (500L * rowBytes);
        Assert.That(bytes.Length, Is.EqualTo(tableOffset + (3 * 4)));
        Assert.That(bytes[..8], Is.EqualTo("LDBRSCR1"u8.ToArray()));
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)), Is.EqualTo(2), "version");
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(12)), Is.EqualTo(1), "kind int8");
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(16)), Is.EqualTo(dim));
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(20)), Is.EqualTo(rowBytes));
        Assert.That(BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(24)), Is.EqualTo(500));
        Assert.That(BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(32)), Is.EqualTo(Generation));
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(40)), Is.EqualTo(blockRows));
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(44)), Is.EqualTo(NativeLibraryInfo.Crc32C(bytes.AsSpan((int)tableOffset))), "the table's CRC");
        Assert.That(bytes[48..60], Is.All.Zero, "reserved");
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(60)), Is.EqualTo(NativeLibraryInfo.Crc32C(bytes.AsSpan(0, 60))), "the header's CRC");
        for (int b = 0; b < 3; b++)
        {
            int first = 64 + (b * blockRows * rowBytes);
            int length = Math.Min(blockRows, 500 - (b * blockRows)) * rowBytes;
            Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan((int)tableOffset + (4 * b))), Is.EqualTo(NativeLibraryInfo.Crc32C(bytes.AsSpan(first, length))), $"block {b}");
        }

        using RescoreStore store = RescoreStore.Open(path, Name, RescoreStorage.Int8, dim, Generation, 500);
        Assert.That(store.FileBytes, Is.EqualTo(bytes.Length));
        Assert.That(RescoreFileCheck.Audit(path, Name), Is.Empty, "sound, also without expectations");
    }

    [TestCase(RescoreStorage.Int8)]
    [TestCase(RescoreStorage.Float16)]
    public void ABitFlipInEveryByteOfASmallSidecarFailsTheOpen(RescoreStorage kind)
    {
        using var folder = new TestFolder();
        const int dim = 8;
        const int rows = 20;
        string path = WriteSidecar(folder, kind, dim, rows);
        byte[] original = File.ReadAllBytes(path);
        for (int at = 0; at < original.Length; at++)
        {
            // The lowest, the highest and a varying middle bit of every byte (all 8 take ~4x longer).
            foreach (int bit in new[] { 0, 7, 1 + (at % 6) })
            {
                byte[] damaged = (byte[])original.Clone();
                damaged[at] ^= (byte)(1 << bit);
                File.WriteAllBytes(path, damaged);
                AssertOpenFails(path, kind, dim, rows, $"byte {at} bit {bit}");
            }
        }

        File.WriteAllBytes(path, original);
        RescoreStore.Open(path, Name, kind, dim, Generation, rows).Dispose();
    }

    [TestCase(RescoreStorage.Int8)]
    [TestCase(RescoreStorage.Float16)]
    public void SampledDamageToAMultiBlockSidecarFailsTheOpen(RescoreStorage kind)
    {
        using var folder = new TestFolder();
        const int dim = 128;
        const int rows = 1000;
        string path = WriteSidecar(folder, kind, dim, rows);
        byte[] original = File.ReadAllBytes(path);
        var random = new Random(2026);
        var outcomes = new Dictionary<string, int>();
        for (int i = 0; i < 300; i++)
        {
            byte[] damaged = (byte[])original.Clone();
            string what;
            switch (i % 4)
            {
                case 0:
                    int at = random.Next(damaged.Length);
                    damaged[at] ^= (byte)random.Next(1, 256);
                    what = $"byte {at} changed";
                    break;
                case 1:
                    int start = random.Next(damaged.Length);
                    int length = random.Next(1, Math.Min(4096, damaged.Length - start) + 1);
                    if (damaged.AsSpan(start, length).IndexOfAnyExcept((byte)0) < 0)
                    {
                        continue; // already zeros: nothing damaged
                    }

                    Array.Clear(damaged, start, length);
                    what = $"{length} bytes zeroed at {start}";
                    break;
                case 2:
                    int keep = random.Next(damaged.Length);
                    Array.Resize(ref damaged, keep);
                    what = $"truncated to {keep}";
                    break;
                default:
                    int extra = random.Next(1, 300);
                    Array.Resize(ref damaged, damaged.Length + extra);
                    random.NextBytes(damaged.AsSpan(original.Length));
                    what = $"{extra} bytes appended";
                    break;
            }

            File.WriteAllBytes(path, damaged);
            AssertOpenFails(path, kind, dim, rows, what);
            string damage = new[] { "changed bytes", "zeroed ranges", "truncations", "appended bytes" }[i % 4];
            outcomes[damage] = outcomes.GetValueOrDefault(damage) + 1;
        }

        TestContext.Out.WriteLine($"{kind}: every case failed the open: {string.Join(", ", outcomes.Select(o => $"{o.Key} {o.Value}"))}");
    }

    [TestCase(RescoreStorage.Int8)]
    [TestCase(RescoreStorage.Float16)]
    public void AHeaderWithAnyFieldChangedAndItsCrcRecomputedIsATypedError(RescoreStorage kind)
    {
        // A header that passes its CRC but lies (a buggy or hostile writer): every field must be
        // checked, and no value may lead to another exception, a huge allocation or a hang.
        using var folder = new TestFolder();
        const int dim = 64;
        const int rows = 700;
        string path = WriteSidecar(folder, kind, dim, rows);
        byte[] original = File.ReadAllBytes(path);
        var random = new Random(77);
        int[] fields = [8, 12, 16, 20, 24, 28, 32, 40, 44, 48, 52, 56];
        for (int i = 0; i < 400; i++)
        {
            byte[] damaged = (byte[])original.Clone();
            int field = fields[i % fields.Length];
            uint value = (i / fields.Length % 4) switch
            {
                0 => (uint)random.Next(0, 4),
                1 => uint.MaxValue - (uint)random.Next(0, 4),
                2 => (uint)random.Next(),
                _ => BinaryPrimitives.ReadUInt32LittleEndian(damaged.AsSpan(field)) ^ (1u << random.Next(32)),
            };
            if (value == BinaryPrimitives.ReadUInt32LittleEndian(damaged.AsSpan(field)))
            {
                continue;
            }

            BinaryPrimitives.WriteUInt32LittleEndian(damaged.AsSpan(field), value);
            BinaryPrimitives.WriteUInt32LittleEndian(damaged.AsSpan(60), NativeLibraryInfo.Crc32C(damaged.AsSpan(0, 60)));
            File.WriteAllBytes(path, damaged);
            AssertOpenFails(path, kind, dim, rows, $"field at {field} = {value}");
            Assert.DoesNotThrow(() => RescoreFileCheck.Audit(path, Name), $"field at {field} = {value}: the audit without expectations");
        }
    }
}
