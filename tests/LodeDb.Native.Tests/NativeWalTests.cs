using LodeDb.Native.Interop;

namespace LodeDb.Native.Tests;

public sealed class NativeWalTests
{
    private string _path = "";

    [SetUp]
    public void SetUp() => _path = TestVectors.TempPath("test.wal");

    [TearDown]
    public void TearDown() => File.Delete(_path);

    [Test]
    public void AppendSyncSizeReplayTruncate()
    {
        byte[][] payloads = ["first"u8.ToArray(), [], new byte[1000]];
        payloads[2][999] = 42;
        using (var wal = NativeWal.Open(_path))
        {
            Assert.That(wal.Size, Is.Zero);
            foreach (byte[] p in payloads)
            {
                wal.Append(p, sync: p.Length == 0);
            }
            wal.Sync();
            ulong expected = (ulong)payloads.Sum(p => p.Length + NativeConstants.WalRecordOverhead);
            Assert.That(wal.Size, Is.EqualTo(expected));
        }

        var seen = new List<byte[]>();
        WalReplayResult result = NativeWal.ReplayFile(_path, payload =>
        {
            seen.Add(payload.ToArray());
            return true;
        });
        Assert.That(result.RecordCount, Is.EqualTo(3UL));
        Assert.That(result.ValidBytes, Is.EqualTo((ulong)new FileInfo(_path).Length));
        Assert.That(seen, Is.EqualTo(payloads));

        using (var wal = NativeWal.Open(_path))
        {
            wal.Truncate(0, sync: true);
            Assert.That(wal.Size, Is.Zero);
            wal.Append("after"u8);
        }
        Assert.That(NativeWal.ReplayFile(_path, _ => true).RecordCount, Is.EqualTo(1UL));
    }

    [Test]
    public void ReplayStopsAtATornTail()
    {
        using (var wal = NativeWal.Open(_path))
        {
            wal.Append("kept"u8);
            wal.Append("torn record"u8);
        }
        long full = new FileInfo(_path).Length;
        using (var stream = new FileStream(_path, FileMode.Open))
        {
            stream.SetLength(full - 3);
        }
        int count = 0;
        WalReplayResult result = NativeWal.ReplayFile(_path, _ => ++count > 0);
        Assert.That(result.RecordCount, Is.EqualTo(1UL));
        Assert.That(result.ValidBytes, Is.EqualTo((ulong)(4 + NativeConstants.WalRecordOverhead)));
    }

    [Test]
    public void HandlerExceptionIsRethrownAfterTheReplay()
    {
        using (var wal = NativeWal.Open(_path))
        {
            wal.Append("a"u8);
            wal.Append("b"u8);
        }
        int calls = 0;
        var e = Assert.Throws<InvalidOperationException>(() => NativeWal.ReplayFile(_path, _ =>
        {
            calls++;
            throw new InvalidOperationException("from the handler");
        }));
        Assert.That(e!.Message, Is.EqualTo("from the handler"));
        Assert.That(e.StackTrace, Does.Contain(nameof(HandlerExceptionIsRethrownAfterTheReplay)));
        Assert.That(calls, Is.EqualTo(1), "the replay stops at the first exception");
    }

    [Test]
    public void EncodeAndNextWalkFramesInMemory()
    {
        byte[] a = NativeWal.Encode("hello"u8);
        byte[] b = NativeWal.Encode(ReadOnlySpan<byte>.Empty);
        Assert.That(a, Has.Length.EqualTo(5 + NativeConstants.WalRecordOverhead));
        Assert.That(b, Has.Length.EqualTo(NativeConstants.WalRecordOverhead));
        byte[] log = [.. a, .. b];

        LodeDbWalRecord? first = NativeWal.Next(log, 0);
        Assert.That(first, Is.Not.Null);
        Assert.That(first!.Value.PayloadLength, Is.EqualTo(5UL));
        Assert.That(log.AsSpan((int)first.Value.PayloadOffset, 5).ToArray(), Is.EqualTo("hello"u8.ToArray()));
        Assert.That(first.Value.NextOffset, Is.EqualTo((ulong)a.Length));

        LodeDbWalRecord? second = NativeWal.Next(log, first.Value.NextOffset);
        Assert.That(second!.Value.PayloadLength, Is.Zero);
        Assert.That(NativeWal.Next(log, second.Value.NextOffset), Is.Null, "clean end");
        Assert.That(NativeWal.Next([], 0), Is.Null, "an empty log is a clean end");

        log[NativeConstants.WalRecordOverhead + 1] ^= 1; // flip a payload bit of the first record
        var e = Assert.Throws<CorruptDataException>(() => NativeWal.Next(log, 0));
        Assert.That(e!.NativeMessage, Is.Not.Empty);
    }

    [Test]
    public void EncodeIntoATooSmallBufferFails()
    {
        var small = new byte[NativeConstants.WalRecordOverhead];
        Assert.Throws(Is.InstanceOf<LodeDbException>(), () => NativeWal.Encode("payload"u8, small));
    }

    [Test]
    public void FramesMatchTheDocumentedLayout()
    {
        // magic "LWAL", version u16, flags u16, length u32, CRC32C of the 12 bytes before it plus
        // the payload, reserved u32: the managed side can verify a frame with the exported CRC.
        byte[] frame = NativeWal.Encode("xyz"u8);
        Assert.That(frame.AsSpan(0, 4).ToArray(), Is.EqualTo("LWAL"u8.ToArray()));
        Assert.That(BitConverter.ToUInt32(frame, 8), Is.EqualTo(3u));
        uint crc = NativeLibraryInfo.Crc32C(frame.AsSpan(12 + 8), NativeLibraryInfo.Crc32C(frame.AsSpan(0, 12)));
        Assert.That(BitConverter.ToUInt32(frame, 12), Is.EqualTo(crc));
    }
}
