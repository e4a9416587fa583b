using System.Runtime.InteropServices;
using LodeDb.Native.Interop;

namespace LodeDb.Native.Tests;

public sealed class NativeLibraryInfoTests
{
    [Test]
    public void AbiVersionMatchesTheGeneratedConstant()
    {
        Assert.That(NativeLibraryInfo.AbiVersion, Is.EqualTo(NativeLibraryInfo.BindingAbiVersion));
        Assert.DoesNotThrow(NativeLibraryInfo.EnsureCompatible);
    }

    [Test]
    public void AbiMismatchIsRefusedWithAClearMessage()
    {
        var e = Assert.Throws<NativeAbiMismatchException>(() => AbiCheck.Verify(NativeLibraryInfo.BindingAbiVersion + 1));
        Assert.That(e!.LibraryAbiVersion, Is.EqualTo(NativeLibraryInfo.BindingAbiVersion + 1));
        Assert.That(e.Message, Does.Contain("ABI version"));
        Assert.That(e, Is.InstanceOf<LodeDbNotSupportedException>());
    }

    [Test]
    public void VersionIsSemantic() =>
        Assert.That(NativeLibraryInfo.Version, Does.Match(@"^\d+\.\d+\.\d+"));

    [Test]
    public void StatusNamesComeFromTheLibrary()
    {
        Assert.That(NativeLibraryInfo.StatusName(LodeDbStatus.Corrupt), Is.EqualTo("LODEDB_ERR_CORRUPT"));
        Assert.That(NativeLibraryInfo.StatusName(LodeDbStatus.Ok), Is.EqualTo("LODEDB_OK"));
    }

    [Test]
    public void LoadedLibraryPathIsReported()
    {
        _ = NativeLibraryInfo.AbiVersion; // make sure the library is loaded
        string? path = NativeLibraryInfo.LibraryPath;
        TestContext.Out.WriteLine($"liblodedb loaded by '{NativeLibraryResolver.LoadedBy}' from {path}");
        Assert.That(path, Is.Not.Null);
        Assert.That(File.Exists(path), Is.True);
        Assert.That(Path.GetFileName(path), Is.EqualTo(NativeLibraryResolver.FileName));
        Assert.That(NativeLibraryResolver.LoadedBy, Is.AnyOf("environment", "runtimes", "app", "default"));
    }

    [Test]
    [NonParallelizable] // sets LODEDB_NATIVE_LIBRARY for the whole process
    public void ResolverProbesInTheDocumentedOrder()
    {
        string? saved = Environment.GetEnvironmentVariable(NativeLibraryResolver.EnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable(NativeLibraryResolver.EnvironmentVariable, null);
            var probes = NativeLibraryResolver.CandidatePaths();
            // The shipped resolver knows only the package locations: never the repository's build.
            Assert.That(probes.Select(p => p.Probe), Is.EqualTo(new[] { "runtimes", "app" }));
            string rid = NativeLibraryResolver.RuntimeIdentifier;
            Assert.That(probes[0].Path, Is.EqualTo(Path.Combine(AppContext.BaseDirectory, "runtimes", rid, "native", NativeLibraryResolver.FileName)));
            Assert.That(probes[1].Path, Is.EqualTo(Path.Combine(AppContext.BaseDirectory, NativeLibraryResolver.FileName)));

            Environment.SetEnvironmentVariable(NativeLibraryResolver.EnvironmentVariable, "/opt/custom/liblodedb.so");
            Assert.That(NativeLibraryResolver.CandidatePaths(), Is.EqualTo(new[] { ("environment", "/opt/custom/liblodedb.so") }),
                "an explicit path is the only candidate");
        }
        finally
        {
            Environment.SetEnvironmentVariable(NativeLibraryResolver.EnvironmentVariable, saved);
        }
    }

    [Test]
    public void SimdLevelIsSupportedAndNamed()
    {
        LodeDbSimd level = NativeLibraryInfo.SimdLevel;
        Assert.That(NativeLibraryInfo.SimdSupported(level), Is.True);
        Assert.That(NativeLibraryInfo.SimdSupported(LodeDbSimd.Scalar), Is.True);
        Assert.That(NativeLibraryInfo.SimdName(level), Is.EqualTo(level.ToString().ToLowerInvariant()));
        Assert.That(NativeLibraryInfo.SimdName((LodeDbSimd)42), Is.EqualTo("unknown"));
    }

    [Test]
    public void ForcingScalarKeepsSearchResults()
    {
        LodeDbSimd original = NativeLibraryInfo.SimdLevel;
        using var index = NativeIndex.Create(40, 4, seed: 3);
        float[] vectors = TestVectors.Normalised(300, 40, seed: 3);
        index.Add(vectors);
        var best = index.Search(vectors.AsSpan(0, 40 * 2), k: 10);
        try
        {
            NativeLibraryInfo.ForceSimd(LodeDbSimd.Scalar);
            Assert.That(NativeLibraryInfo.SimdLevel, Is.EqualTo(LodeDbSimd.Scalar));
            Assert.That(index.Search(vectors.AsSpan(0, 40 * 2), k: 10), Is.EqualTo(best), "kernels must agree with the scalar reference");
        }
        finally
        {
            NativeLibraryInfo.ForceSimd(original);
        }
    }

    [Test]
    public void Crc32CMatchesTheCastagnoliCheckValue()
    {
        Assert.That(NativeLibraryInfo.Crc32C("123456789"u8), Is.EqualTo(0xE3069283u));
        uint partial = NativeLibraryInfo.Crc32C("12345"u8);
        Assert.That(NativeLibraryInfo.Crc32C("6789"u8, partial), Is.EqualTo(0xE3069283u));
        Assert.That(NativeLibraryInfo.Crc32C(ReadOnlySpan<byte>.Empty), Is.Zero);
    }

    [TestCase(1, 8)]
    [TestCase(8, 8)]
    [TestCase(9, 16)]
    [TestCase(384, 384)]
    [TestCase(0, 0)]
    [TestCase(NativeConstants.MaxDimension + 1, 0)]
    public void PaddedDimRoundsUpToEight(int dim, int padded) =>
        Assert.That(NativeLibraryInfo.PaddedDim(dim), Is.EqualTo(padded));

    [TestCase(2)]
    [TestCase(4)]
    public void CodebookIsAscendingSymmetricAndFingerprinted(int bits)
    {
        float[] centroids = NativeLibraryInfo.Codebook(128, bits);
        Assert.That(centroids, Has.Length.EqualTo(1 << bits));
        Assert.That(centroids, Is.Ordered.Ascending);
        Assert.That(centroids[0], Is.EqualTo(-centroids[^1]).Within(1e-6f));
        ulong fingerprint = NativeLibraryInfo.CodebookFingerprint(128, bits);
        Assert.That(fingerprint, Is.EqualTo(NativeLibraryInfo.CodebookFingerprint(128, bits)));
        Assert.That(fingerprint, Is.Not.EqualTo(NativeLibraryInfo.CodebookFingerprint(256, bits)));
    }

    [Test]
    public void RotationPreservesTheNormAndIsSeeded()
    {
        float[] v = TestVectors.Normalised(1, 20, seed: 5);
        float[] r1 = NativeLibraryInfo.Rotate(v, seed: 11);
        float[] r2 = NativeLibraryInfo.Rotate(v, seed: 11);
        float[] r3 = NativeLibraryInfo.Rotate(v, seed: 12);
        Assert.That(r1, Has.Length.EqualTo(24));
        Assert.That(r1, Is.EqualTo(r2), "bit-identical for one seed");
        Assert.That(r1, Is.Not.EqualTo(r3));
        Assert.That(r1.Sum(x => (double)x * x), Is.EqualTo(1.0).Within(1e-3));
        Assert.Throws(Is.InstanceOf<LodeDbException>(), () => NativeLibraryInfo.Rotate(v, 11, new float[20]));
    }
}
