using System.Buffers.Binary;
using CsCheck;
using LodeDb.Native;

namespace LodeDb.Tests.Fuzz;

/// <summary>
/// The re-score sidecar's header codec (<see cref="RescoreFileHeader"/>) on its own: written
/// headers read back, and any 64 bytes (CRC resealed half the time, so the field checks are
/// reached) either read as a header whose layout fits a LodeDb file or are reported as a problem
/// with an offset inside the header; the reader never throws.
/// </summary>
public sealed class RescoreHeaderFuzzTests
{
    private static readonly Gen<RescoreFileHeader> Headers =
        Gen.Select(Gen.Int[1, 4096], Gen.Bool, Gen.Long[0, 1_000_000], Gen.Long[1, long.MaxValue / 2], (dim, int8, rows, generation) =>
        {
            RescoreStorage kind = int8 ? RescoreStorage.Int8 : RescoreStorage.Float16;
            int rowBytes = RescoreCodec.RowBytes(kind, dim);
            return new RescoreFileHeader(RescoreFileHeader.CurrentVersion, (uint)kind, (uint)dim, (uint)rowBytes, (ulong)rows, (ulong)generation,
                RescoreFileHeader.BlockRowsFor(rowBytes), (uint)(generation * 7));
        });

    private static byte[] Bytes(RescoreFileHeader header)
    {
        byte[] bytes = new byte[RescoreFileHeader.Bytes];
        header.Write(bytes);
        return bytes;
    }

    [Test]
    public void WrittenHeadersReadBack()
    {
        Headers.Sample(header =>
        {
            var problems = new List<StorageProblem>();
            Assert.That(RescoreFileHeader.Read(Bytes(header), "x.rescore", problems), Is.EqualTo(header));
            Assert.That(problems, Is.Empty);
        }, iter: FuzzRun.Iterations(FuzzRun.DefaultIterations), time: FuzzRun.Seconds);
    }

    [Test]
    public void DamagedHeadersAreReportedNeverThrown()
    {
        Gen<byte[]> inputs = Gen.Select(Headers, ByteMutations.Some, Gen.Bool, (header, mutations, reseal) =>
        {
            byte[] damaged = ByteMutations.Apply(Bytes(header), mutations);
            if (reseal && damaged.Length >= RescoreFileHeader.Bytes)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(damaged.AsSpan(60), NativeLibraryInfo.Crc32C(damaged.AsSpan(0, 60)));
            }

            return damaged;
        });
        FuzzRun.Check(inputs, b => b.Length, bytes =>
        {
            var problems = new List<StorageProblem>();
            RescoreFileHeader? header = RescoreFileHeader.Read(bytes, "x.rescore", problems);
            if (header is RescoreFileHeader read)
            {
                if (problems.Count != 0 || read.RowBytes != (uint)RescoreCodec.RowBytes(read.Kind, (int)read.Dimension) || read.FileLength < RescoreFileHeader.Bytes)
                {
                    throw new InvalidOperationException("a header with an impossible layout was accepted");
                }
            }
            else if (problems.Count != 1 || problems[0].Offset > RescoreFileHeader.Bytes)
            {
                throw new InvalidOperationException($"a refused header reported {problems.Count} problems");
            }
        }, _ => false);
    }
}
