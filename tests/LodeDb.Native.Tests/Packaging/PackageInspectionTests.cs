using System.IO.Compression;

namespace LodeDb.Native.Tests.Packaging;

/// <summary>
/// Opens every package the Pack target made: each runtime package carries exactly its RID's
/// liblodedb, of the right format and architecture, exporting exactly the LODEDB_API functions
/// of lodedb.h, linked against nothing but the platform's C library (glibc 2.17 at most, musl,
/// msvcrt, libSystem); every package carries the metadata NuGet users read; LodeDb.Native
/// depends on all eight runtime packages; the tool package has no .pdb and only shipped RIDs.
/// </summary>
[Category("Packaging")]
public sealed class PackageInspectionTests
{
    private static readonly Dictionary<string, (string File, string Format)> Expected = new()
    {
        ["linux-x64"] = ("liblodedb.so", "elf64-x86-64"),
        ["linux-arm64"] = ("liblodedb.so", "elf64-littleaarch64"),
        ["linux-musl-x64"] = ("liblodedb.so", "elf64-x86-64"),
        ["linux-musl-arm64"] = ("liblodedb.so", "elf64-littleaarch64"),
        ["win-x64"] = ("liblodedb.dll", "COFF-x86-64"),
        ["win-arm64"] = ("liblodedb.dll", "COFF-ARM64"),
        ["osx-x64"] = ("liblodedb.dylib", "Mach-O 64-bit x86-64"),
        ["osx-arm64"] = ("liblodedb.dylib", "Mach-O arm64"),
    };

    private static IEnumerable<string> Rids() => PackedFeed.ShippedRids;

    [TestCaseSource(nameof(Rids))]
    public void RuntimePackageCarriesOneCorrectLibrary(string rid)
    {
        string version = PackedFeed.RequireVersion();
        string? missingTools = NativeBinaryInspector.MissingTools();
        if (missingTools is not null)
        {
            PackedFeed.RequirePacked(missingTools);
        }
        string nupkg = PackedFeed.PackagePath($"LodeDb.Native.runtime.{rid}", version);
        Assert.That(nupkg, Does.Exist);

        var (file, format) = Expected[rid];
        var nativeEntries = PackedFeed.Entries(nupkg).Where(e => e.StartsWith("runtimes/", StringComparison.Ordinal)).ToList();
        Assert.That(nativeEntries, Is.EqualTo(new[] { $"runtimes/{rid}/native/{file}" }));

        string work = Directory.CreateTempSubdirectory("lodedb-inspect-").FullName;
        try
        {
            string library = Path.Combine(work, file);
            using (ZipArchive zip = ZipFile.OpenRead(nupkg))
            {
                zip.GetEntry(nativeEntries[0])!.ExtractToFile(library);
            }
            Assert.That(NativeBinaryInspector.Format(library), Is.EqualTo(format));

            var exports = NativeBinaryInspector.Exports(library);
            var declared = HeaderDriftTests.HeaderFunctions();
            Assert.Multiple(() =>
            {
                Assert.That(exports.Except(declared), Is.Empty, "exported but not declared LODEDB_API in lodedb.h");
                Assert.That(declared.Except(exports), Is.Empty, "declared in lodedb.h but not exported");
            });

            var needed = NativeBinaryInspector.NeededLibraries(library);
            TestContext.Out.WriteLine($"{rid}: {exports.Count} exports, {new FileInfo(library).Length} bytes, needs {string.Join(", ", needed)}");
            if (rid is "linux-x64" or "linux-arm64")
            {
                var glibc = NativeBinaryInspector.GlibcVersions(library);
                TestContext.Out.WriteLine($"{rid}: glibc symbol versions {string.Join(", ", glibc)}");
                Assert.That(glibc, Is.Not.Empty, "a glibc build references versioned glibc symbols");
                Assert.That(glibc[^1], Is.LessThanOrEqualTo(new Version(2, 17)), "glibc floor above 2.17 (RHEL 7)");
                Assert.That(needed, Does.Contain("libc.so.6"));
            }
            else if (rid.StartsWith("linux-musl", StringComparison.Ordinal))
            {
                Assert.That(needed, Is.EqualTo(new[] { "libc.so" }), "musl's libc only");
                Assert.That(NativeBinaryInspector.GlibcVersions(library), Is.Empty);
            }
            else if (rid.StartsWith("win", StringComparison.Ordinal))
            {
                // No MinGW runtime DLL (libgcc, libwinpthread) to ship alongside.
                Assert.That(needed.Select(n => n.ToLowerInvariant()), Is.SubsetOf(new[] { "kernel32.dll", "msvcrt.dll", "ucrtbase.dll", "ntdll.dll", "advapi32.dll" }));
            }
            else
            {
                Assert.That(needed, Is.EqualTo(new[] { "/usr/lib/libSystem.B.dylib" }));
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Test]
    public void EveryPackageCarriesItsMetadataAndOneVersion()
    {
        string version = PackedFeed.RequireVersion();
        var ids = PackedFeed.ManagedPackages.Concat(PackedFeed.ShippedRids.Select(r => $"LodeDb.Native.runtime.{r}"));
        Assert.Multiple(() =>
        {
            foreach (string id in ids)
            {
                string nupkg = PackedFeed.PackagePath(id, version);
                if (!File.Exists(nupkg))
                {
                    Assert.Fail($"{id} {version} was not packed into {PackedFeed.Folder}");
                    continue;
                }
                var (m, ns) = PackedFeed.Nuspec(nupkg);
                string Field(string name) => (string?)m.Element(ns + name) ?? "";
                Assert.That(Field("version"), Is.EqualTo(version), id);
                Assert.That(Field("description"), Is.Not.Empty.And.Not.EqualTo("Package Description"), id);
                Assert.That(Field("readme"), Is.EqualTo("README.md"), id);
                Assert.That(PackedFeed.Entries(nupkg), Does.Contain("README.md"), id);
                Assert.That(Field("license"), Is.EqualTo("MIT"), id);
                Assert.That(Field("tags"), Is.Not.Empty, id);
                Assert.That((string?)m.Element(ns + "repository")?.Attribute("url"), Does.StartWith("https://"), id);
            }
            foreach (string id in PackedFeed.ManagedPackages.Where(id => id != "LodeDb.Cli"))
            {
                // Symbols (.pdb with SourceLink) for every library; the tool ships none.
                Assert.That(PackedFeed.PackagePath(id, version, ".snupkg"), Does.Exist, id);
            }
        });
    }

    [Test]
    public void LodeDbNativeDependsOnEveryRuntimePackage()
    {
        string version = PackedFeed.RequireVersion();
        var (m, ns) = PackedFeed.Nuspec(PackedFeed.PackagePath("LodeDb.Native", version));
        var dependencies = m.Descendants(ns + "dependency")
            .Select(d => ((string)d.Attribute("id")!, (string)d.Attribute("version")!))
            .ToList();
        foreach (string rid in PackedFeed.ShippedRids)
        {
            Assert.That(dependencies, Does.Contain(($"LodeDb.Native.runtime.{rid}", version)), rid);
        }

        var (lode, lodeNs) = PackedFeed.Nuspec(PackedFeed.PackagePath("LodeDb", version));
        Assert.That(lode.Descendants(lodeNs + "dependency").Select(d => (string)d.Attribute("id")!), Does.Contain("LodeDb.Native"));
    }

    [Test]
    public void TheCoreCarriesNoModelRuntimeAndTheOnnxPackageBuildsOnIt()
    {
        string version = PackedFeed.RequireVersion();
        var (lode, lodeNs) = PackedFeed.Nuspec(PackedFeed.PackagePath("LodeDb", version));
        string[] core = [.. lode.Descendants(lodeNs + "dependency").Select(d => (string)d.Attribute("id")!)];
        Assert.That(core, Has.None.StartsWith("Microsoft.ML.OnnxRuntime").And.None.StartsWith("SkiaSharp").And.None.EqualTo("LodeDb.Embeddings.Onnx"),
            "a vector-only app must not pull ONNX Runtime or SkiaSharp");

        var (onnx, onnxNs) = PackedFeed.Nuspec(PackedFeed.PackagePath("LodeDb.Embeddings.Onnx", version));
        string[] embedders = [.. onnx.Descendants(onnxNs + "dependency").Select(d => (string)d.Attribute("id")!)];
        Assert.That(embedders, Does.Contain("LodeDb").And.Contain("Microsoft.ML.OnnxRuntime").And.Contain("SkiaSharp"));
    }
}
