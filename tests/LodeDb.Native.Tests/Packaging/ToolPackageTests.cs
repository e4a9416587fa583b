using System.IO.Compression;
using System.Xml.Linq;

namespace LodeDb.Native.Tests.Packaging;

/// <summary>
/// The `lodedb` tool: a pointer package LodeDb.Cli naming one LodeDb.Cli.&lt;rid&gt; package per RID
/// (.NET 10 RID-specific tool packages); each carries the tool for that RID only, with that RID's
/// shipped liblodedb, no .pdb, and fits in 60 MB.
/// </summary>
[Category("Packaging")]
public sealed class ToolPackageTests
{
    private const long MaxPackageBytes = 60L * 1024 * 1024;

    [Test]
    public void EveryToolRidPackageIsSmallSymbolFreeAndCarriesItsLibrary()
    {
        string version = PackedFeed.RequireVersion();
        string? missingTools = NativeBinaryInspector.MissingTools();
        if (missingTools is not null)
        {
            PackedFeed.RequirePacked(missingTools);
        }
        string pointer = PackedFeed.PackagePath("LodeDb.Cli", version);
        Assert.That(pointer, Does.Exist);

        XElement settings;
        using (ZipArchive zip = ZipFile.OpenRead(pointer))
        {
            ZipArchiveEntry entry = zip.Entries.Single(e => e.FullName.EndsWith("DotnetToolSettings.xml", StringComparison.Ordinal));
            using Stream stream = entry.Open();
            settings = XDocument.Load(stream).Root!;
        }
        Assert.That(settings.Descendants("Command").Select(c => (string?)c.Attribute("Name")), Is.EqualTo(new[] { "lodedb" }));
        var ridPackages = settings.Descendants("RuntimeIdentifierPackage")
            .Select(p => ((string)p.Attribute("RuntimeIdentifier")!, (string)p.Attribute("Id")!))
            .ToList();
        Assert.That(ridPackages, Is.Not.Empty, "a RID-specific tool lists its RID packages");
        Assert.That(ridPackages.Select(p => p.Item1), Is.SubsetOf(PackedFeed.ShippedRids), "only RIDs we ship a native library for");

        string work = Directory.CreateTempSubdirectory("lodedb-tool-").FullName;
        try
        {
            Assert.Multiple(() =>
            {
                foreach (var (rid, id) in ridPackages)
                {
                    string nupkg = PackedFeed.PackagePath(id, version);
                    if (!File.Exists(nupkg))
                    {
                        Assert.Fail($"{id} is named by LodeDb.Cli but was not packed");
                        continue;
                    }
                    long size = new FileInfo(nupkg).Length;
                    TestContext.Out.WriteLine($"{id}: {size / 1e6:F1} MB");
                    Assert.That(size, Is.LessThanOrEqualTo(MaxPackageBytes), id);

                    var entries = PackedFeed.Entries(nupkg);
                    Assert.That(entries.Where(e => e.EndsWith(".pdb", StringComparison.OrdinalIgnoreCase)), Is.Empty, $"{id} ships .pdb files");
                    var toolFiles = entries.Where(e => e.StartsWith("tools/", StringComparison.Ordinal)).ToList();
                    Assert.That(toolFiles, Has.All.StartWith($"tools/net10.0/{rid}/"), $"{id}: files of another RID");
                    Assert.That(toolFiles.Where(e => e.Contains("/runtimes/", StringComparison.Ordinal)), Is.Empty, $"{id}: a runtimes/ tree (RID-agnostic assets)");

                    string file = rid.StartsWith("win", StringComparison.Ordinal) ? "liblodedb.dll"
                        : rid.StartsWith("osx", StringComparison.Ordinal) ? "liblodedb.dylib" : "liblodedb.so";
                    string entryName = $"tools/net10.0/{rid}/{file}";
                    Assert.That(entries, Does.Contain(entryName), $"{id}: no {file}");
                    if (!entries.Contains(entryName))
                    {
                        continue;
                    }
                    string library = Path.Combine(work, rid + "-" + file);
                    using (ZipArchive zip = ZipFile.OpenRead(nupkg))
                    {
                        zip.GetEntry(entryName)!.ExtractToFile(library);
                    }
                    // The same binary as the runtime package of that RID.
                    string runtimeNupkg = PackedFeed.PackagePath($"LodeDb.Native.runtime.{rid}", version);
                    using ZipArchive runtimeZip = ZipFile.OpenRead(runtimeNupkg);
                    using var expected = new MemoryStream();
                    using (Stream s = runtimeZip.GetEntry($"runtimes/{rid}/native/{file}")!.Open())
                    {
                        s.CopyTo(expected);
                    }
                    Assert.That(File.ReadAllBytes(library), Is.EqualTo(expected.ToArray()), $"{id}: {file} differs from LodeDb.Native.runtime.{rid}'s");
                }
            });
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
