using System.Buffers.Binary;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using LodeDb.Native;

namespace LodeDb.Benchmarks;

/// <summary>
/// The cost of verifying the re-score sidecar when it is mapped (issue 10): a 100,000 x 512-d
/// database with an <see cref="RescoreStorage.Int8"/> (51.6 MB) or
/// <see cref="RescoreStorage.Float16"/> (102.4 MB) sidecar, built once per kind. The file is in
/// the page cache (just written), so this is the CPU and memory-bandwidth cost, not a disk read.
/// <list type="bullet">
/// <item><c>Crc32C</c> (baseline): the native CRC32C over the same bytes in 64 KiB blocks, in memory.</item>
/// <item><c>RowValues</c>: every row's value check, block by block as the open does, in memory.</item>
/// <item><c>OpenV2</c>: <see cref="RescoreStore.Open"/> of the file as written (map, block CRCs, row values).</item>
/// <item><c>OpenV1</c>: the same rows as a version-1 file (no block table): map and row values only.</item>
/// <item><c>Audit</c>: <see cref="RescoreFileCheck.Audit"/> (reads the file through a stream).</item>
/// <item><c>OpenReadOnlyDatabase</c>: the whole <see cref="LodeDatabase.OpenReadOnly"/> it is part of.</item>
/// <item><c>Write</c>: a checkpoint's sidecar write from the mapped rows (<see cref="RescoreStore.Write"/>,
/// no fsync): copy, block CRCs, row checks, and the mapped file verified again after the copy.</item>
/// </list>
/// </summary>
[Config(typeof(LatencyConfig))]
[MaxIterationCount(30)]
public class RescoreVerifyBenchmarks
{
    private const int Rows = 100_000;
    private const int Dim = 512;

    private string? _root;
    private string _database = "";
    private string _sidecar = "";
    private string _name = "";
    private string _version1 = "";
    private long _generation;
    private byte[] _bytes = [];
    private RescoreStore? _mapped;

    [Params(RescoreStorage.Int8, RescoreStorage.Float16)]
    public RescoreStorage Kind { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _root = TestData.NewTempFolder("rescore-verify");
        _database = Path.Combine(_root, "db");
        using (var db = LodeDatabase.Open(_database, new LodeDbOptions { VectorDim = Dim, Rescore = Kind, Durability = Durability.Fast }))
        {
            for (int start = 0; start < Rows; start += 10_000)
            {
                db.AddVectors(TestData.UnitVectors(10_000, Dim, TestData.RowSeed + start), Enumerable.Range(start, 10_000).Select(TestData.RowId).ToArray());
            }

            db.Persist();
            _generation = db.Stats().Generation;
        }

        using (JsonDocument root = JsonDocument.Parse(File.ReadAllText(Path.Combine(_database, "index.commit.json"))))
        {
            _name = root.RootElement.GetProperty("rescoreFile").GetString()!;
        }

        _sidecar = Path.Combine(_database, _name);
        _bytes = File.ReadAllBytes(_sidecar);
        if (RescoreFileCheck.Audit(_sidecar, _name, Kind, Dim, _generation, Rows).Count != 0)
        {
            throw new InvalidOperationException("The freshly written sidecar does not verify.");
        }

        // The same rows without the block table, as LodeDb wrote them before format version 2.
        int rowsEnd = RescoreStore.HeaderBytes + (Rows * RescoreCodec.RowBytes(Kind, Dim));
        byte[] version1 = _bytes[..rowsEnd];
        BinaryPrimitives.WriteUInt32LittleEndian(version1.AsSpan(8), 1);
        Array.Clear(version1, 40, 20);
        BinaryPrimitives.WriteUInt32LittleEndian(version1.AsSpan(60), NativeLibraryInfo.Crc32C(version1.AsSpan(0, 60)));
        _version1 = Path.Combine(_root, "version1.rescore");
        File.WriteAllBytes(_version1, version1);
        _mapped = RescoreStore.Open(_sidecar, _name, Kind, Dim, _generation, Rows);
    }

    [Benchmark(Baseline = true, Description = "CRC32C of the sidecar's bytes (64 KiB blocks, in memory)")]
    public uint Crc32C()
    {
        uint xor = 0;
        ReadOnlySpan<byte> rows = _bytes.AsSpan(RescoreStore.HeaderBytes);
        for (int at = 0; at < rows.Length; at += RescoreFileHeader.BlockBytes)
        {
            xor ^= NativeLibraryInfo.Crc32C(rows.Slice(at, Math.Min(RescoreFileHeader.BlockBytes, rows.Length - at)));
        }

        return xor;
    }

    [Benchmark(Description = "Row value checks (every block, in memory)")]
    public int RowValues()
    {
        var problems = new List<StorageProblem>();
        RescoreFileHeader header = RescoreFileHeader.Read(_bytes, _name, problems)!.Value;
        for (long b = 0; b < header.BlockCount; b++)
        {
            long first = b * header.BlockRows;
            long rows = Math.Min(header.BlockRows, Rows - first);
            RescoreFileCheck.CheckBlock(header, _name, b, _bytes.AsSpan((int)header.RowOffset(first), (int)(rows * header.RowBytes)), null, problems, 1);
        }

        return problems.Count;
    }

    [Benchmark(Description = "RescoreStore.Open, version 2 (map + block CRCs + row values)")]
    public int OpenV2()
    {
        using RescoreStore store = RescoreStore.Open(_sidecar, _name, Kind, Dim, _generation, Rows);
        return store.SlotCount;
    }

    [Benchmark(Description = "RescoreStore.Open, version 1 (map + row values)")]
    public int OpenV1()
    {
        using RescoreStore store = RescoreStore.Open(_version1, "version1.rescore", Kind, Dim, _generation, Rows);
        return store.SlotCount;
    }

    [Benchmark(Description = "RescoreFileCheck.Audit (stream read)")]
    public int Audit() => RescoreFileCheck.Audit(_sidecar, _name, Kind, Dim, _generation, Rows).Count;

    [Benchmark(Description = "LodeDatabase.OpenReadOnly (the whole 100k x 512 database)")]
    public long OpenReadOnlyDatabase()
    {
        using LodeDatabase db = LodeDatabase.OpenReadOnly(_database);
        return db.Stats().RescoreDiskBytes;
    }

    [Benchmark(Description = "RescoreStore.Write of the mapped rows (checkpoint, no fsync)")]
    public void Write() => _mapped!.Write(Path.Combine(_root!, "next.rescore"), _generation + 1, sync: false);

    [GlobalCleanup]
    public void Cleanup()
    {
        _mapped?.Dispose();
        _mapped = null;
        TestData.DeleteFolder(_root);
        _root = null;
    }
}
