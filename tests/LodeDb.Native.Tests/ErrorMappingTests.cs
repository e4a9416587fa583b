using System.Buffers.Binary;
using LodeDb.Native.Interop;

namespace LodeDb.Native.Tests;

public sealed class ErrorMappingTests
{
    private const int Dim = 32;

    private static readonly (LodeDbStatus Status, Type Exception)[] Mapping =
    [
        (LodeDbStatus.InvalidArgument, typeof(LodeDbArgumentException)),
        (LodeDbStatus.InvalidVector, typeof(InvalidVectorException)),
        (LodeDbStatus.DimensionMismatch, typeof(DimensionMismatchException)),
        (LodeDbStatus.OutOfRange, typeof(SlotOutOfRangeException)),
        (LodeDbStatus.OutOfMemory, typeof(LodeDbOutOfMemoryException)),
        (LodeDbStatus.Io, typeof(LodeDbIOException)),
        (LodeDbStatus.Corrupt, typeof(CorruptDataException)),
        (LodeDbStatus.Unsupported, typeof(LodeDbNotSupportedException)),
        (LodeDbStatus.BufferTooSmall, typeof(BufferTooSmallException)),
        (LodeDbStatus.Aborted, typeof(LodeDbAbortedException)),
        (LodeDbStatus.Internal, typeof(LodeDbInternalException)),
        ((LodeDbStatus)99, typeof(LodeDbInternalException)),
    ];

    [Test]
    public void EveryFailureStatusHasItsExceptionType()
    {
        var failures = Enum.GetValues<LodeDbStatus>().Where(s => s is not LodeDbStatus.Ok and not LodeDbStatus.Done);
        Assert.That(Mapping.Select(m => m.Status), Is.SupersetOf(failures), "a new status needs an exception type");
        foreach (var (status, type) in Mapping)
        {
            LodeDbException e = NativeStatus.Create(status, "native says no");
            Assert.That(e, Is.TypeOf(type), status.ToString());
            Assert.That(e.Status, Is.EqualTo(status));
            Assert.That(e.NativeMessage, Is.EqualTo("native says no"));
            Assert.That(e.Message, Does.Contain("native says no"));
        }
    }

    [Test]
    public void OkDoesNotThrow() => Assert.DoesNotThrow(() => NativeStatus.Check(LodeDbStatus.Ok));

    [Test]
    public void BadBitsIsInvalidArgument()
    {
        var e = Assert.Throws<LodeDbArgumentException>(() => NativeIndex.Create(Dim, 3, seed: 1));
        AssertNativeMessage(e!, LodeDbStatus.InvalidArgument);
    }

    [Test]
    public void ZeroAndHugeDimensionsAreInvalidArguments()
    {
        Assert.Throws<LodeDbArgumentException>(() => NativeIndex.Create(0, 4, seed: 1));
        Assert.Throws<LodeDbArgumentException>(() => NativeIndex.Create(NativeConstants.MaxDimension + 1, 4, seed: 1));
    }

    [Test]
    public void NaNIsInvalidVectorAndAddsNothing()
    {
        using var index = NativeIndex.Create(Dim, 4, seed: 1);
        float[] vectors = TestVectors.Normalised(3, Dim, seed: 1);
        vectors[Dim + 5] = float.NaN;
        var e = Assert.Throws<InvalidVectorException>(() => index.Add(vectors));
        AssertNativeMessage(e!, LodeDbStatus.InvalidVector);
        Assert.That(index.SlotCount, Is.Zero, "all or nothing");
    }

    [Test]
    public void WrongRowSizeIsDimensionMismatch()
    {
        using var index = NativeIndex.Create(Dim, 4, seed: 1);
        index.Add(TestVectors.Normalised(1, Dim, seed: 1));
        var e = Assert.Throws<DimensionMismatchException>(() => index.ReplaceRow(0, new byte[index.CodeBytesPerRow + 1], 1f));
        AssertNativeMessage(e!, LodeDbStatus.DimensionMismatch);
    }

    [Test]
    public void SlotBeyondTheIndexIsOutOfRange()
    {
        using var index = NativeIndex.Create(Dim, 4, seed: 1);
        index.Add(TestVectors.Normalised(2, Dim, seed: 1));
        var e = Assert.Throws<SlotOutOfRangeException>(() => index.Remove(2));
        AssertNativeMessage(e!, LodeDbStatus.OutOfRange);
        index.Remove(1);
        Assert.Throws<SlotOutOfRangeException>(() => index.Remove(1), "removing a removed slot");
    }

    [Test]
    public void CorruptSnapshotBytesAreCorrupt()
    {
        using var index = NativeIndex.Create(Dim, 4, seed: 1);
        index.Add(TestVectors.Normalised(10, Dim, seed: 1));
        byte[] bytes = index.Serialize();
        bytes[^1] ^= 0x5A;
        var e = Assert.Throws<CorruptDataException>(() => NativeIndex.Deserialize(bytes));
        AssertNativeMessage(e!, LodeDbStatus.Corrupt);
        Assert.Throws<CorruptDataException>(() => NativeIndex.Deserialize("not a snapshot at all, just text"u8));
    }

    [Test]
    public void MissingFileIsIO()
    {
        string path = Path.Combine(Path.GetTempPath(), "lodedb-does-not-exist", Guid.NewGuid().ToString("N"), "index.snap");
        var e = Assert.Throws<LodeDbIOException>(() => NativeIndex.Load(path));
        AssertNativeMessage(e!, LodeDbStatus.Io);
    }

    [Test]
    public void UnsupportedSimdLevelIsNotSupported()
    {
        LodeDbSimd foreign = OperatingSystem.IsLinux() && System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture
            == System.Runtime.InteropServices.Architecture.Arm64 ? LodeDbSimd.Avx2 : LodeDbSimd.Neon;
        var e = Assert.Throws<LodeDbNotSupportedException>(() => NativeLibraryInfo.ForceSimd(foreign));
        AssertNativeMessage(e!, LodeDbStatus.Unsupported);
    }

    [Test]
    public void NewerSnapshotFormatVersionIsNotSupported()
    {
        using var index = NativeIndex.Create(Dim, 4, seed: 1);
        index.Add(TestVectors.Normalised(3, Dim, seed: 1));
        byte[] bytes = index.Serialize();
        // Snapshot header layout (native/src/snapshot/snapshot_header.c): format version u32 LE at
        // offset 8, header CRC32C of bytes [0, 56) at offset 56. A valid header from a newer
        // writer must be refused as unsupported, not as corrupt.
        uint version = NativeIndex.ReadSnapshotHeader(bytes).FormatVersion;
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)), Is.EqualTo(version), "header layout changed");
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), version + 1);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(56), NativeLibraryInfo.Crc32C(bytes.AsSpan(0, 56)));
        var e = Assert.Throws<LodeDbNotSupportedException>(() => NativeIndex.Deserialize(bytes));
        AssertNativeMessage(e!, LodeDbStatus.Unsupported);
        Assert.Throws<LodeDbNotSupportedException>(() => NativeIndex.ReadSnapshotHeader(bytes));
    }

    [Test]
    public void TooSmallOutputBufferIsBufferTooSmall()
    {
        using var index = NativeIndex.Create(Dim, 4, seed: 1);
        index.Add(TestVectors.Normalised(4, Dim, seed: 1));
        var e = Assert.Throws<BufferTooSmallException>(() => index.Serialize(new byte[16]));
        AssertNativeMessage(e!, LodeDbStatus.BufferTooSmall);
    }

    [Test]
    public void CallbackStopIsAborted()
    {
        string path = TestVectors.TempPath("abort.wal");
        try
        {
            using (var wal = NativeWal.Open(path))
            {
                wal.Append("one"u8);
                wal.Append("two"u8);
            }
            int seen = 0;
            var e = Assert.Throws<LodeDbAbortedException>(() => NativeWal.ReplayFile(path, _ => ++seen < 1));
            Assert.That(e!.Status, Is.EqualTo(LodeDbStatus.Aborted));
            Assert.That(seen, Is.EqualTo(1));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void MessageBelongsToTheFailingThread()
    {
        // The last error is thread-local: a failure on another thread leaves this one's intact.
        using var index = NativeIndex.Create(Dim, 4, seed: 1);
        var mine = Assert.Throws<SlotOutOfRangeException>(() => index.Remove(77));
        var other = Task.Run(() => Assert.Throws<LodeDbArgumentException>(() => NativeIndex.Create(Dim, 5, seed: 1))).Result;
        Assert.That(mine!.NativeMessage, Is.Not.EqualTo(other!.NativeMessage));
    }

    private static void AssertNativeMessage(LodeDbException e, LodeDbStatus status)
    {
        Assert.That(e.Status, Is.EqualTo(status));
        Assert.That(e.NativeMessage, Is.Not.Empty, "the library's message must be preserved");
        Assert.That(e.Message, Does.Contain(e.NativeMessage));
    }
}
