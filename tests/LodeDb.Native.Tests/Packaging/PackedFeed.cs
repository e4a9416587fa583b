using System.IO.Compression;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace LodeDb.Native.Tests.Packaging;

/// <summary>
/// The local feed the Cake target Pack fills (artifacts/packages): every package of one version.
/// The Test target packs first and sets LODEDB_REQUIRE_PACKAGE_TEST=1, so there a missing feed
/// fails; a plain `dotnet test` without packing reports the tests as skipped with the reason.
/// </summary>
internal static partial class PackedFeed
{
    public static readonly string[] ShippedRids =
        ["linux-x64", "linux-arm64", "linux-musl-x64", "linux-musl-arm64", "win-x64", "win-arm64", "osx-x64", "osx-arm64"];

    public static readonly string[] ManagedPackages = ["LodeDb.Native", "LodeDb", "LodeDb.Embeddings.Onnx", "LodeDb.VectorData", "LodeDb.Extensions.DependencyInjection", "LodeDb.Cli"];

    public static string Folder => RepositoryPaths.Packages;

    /// <summary>The version of the packed LodeDb.Native, or a failed/ignored test when there is none.</summary>
    public static string RequireVersion()
    {
        string? version = Directory.Exists(Folder)
            ? Directory.EnumerateFiles(Folder, "LodeDb.Native.*.nupkg")
                .Select(path => NativePackageVersion().Match(Path.GetFileName(path)))
                .Where(m => m.Success)
                .Select(m => m.Groups[1].Value)
                .FirstOrDefault()
            : null;
        if (version is null)
        {
            RequirePacked($"no LodeDb.Native package in {Folder}: run `dotnet cake --target=Pack` (the Test target does)");
        }
        return version!;
    }

    /// <summary>Fails under the Test target (LODEDB_REQUIRE_PACKAGE_TEST=1), else ignores with the reason.</summary>
    public static void RequirePacked(string reason)
    {
        if (Environment.GetEnvironmentVariable("LODEDB_REQUIRE_PACKAGE_TEST") == "1")
        {
            Assert.Fail(reason);
        }
        Assert.Ignore(reason);
    }

    public static string PackagePath(string id, string version, string extension = ".nupkg") =>
        Path.Combine(Folder, $"{id}.{version}{extension}");

    /// <summary>The .nuspec of a package (its metadata element and namespace).</summary>
    public static (XElement Metadata, XNamespace Ns) Nuspec(string nupkg)
    {
        using ZipArchive zip = ZipFile.OpenRead(nupkg);
        ZipArchiveEntry entry = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal) && !e.FullName.Contains('/'));
        using Stream stream = entry.Open();
        XElement root = XDocument.Load(stream).Root!;
        XNamespace ns = root.Name.Namespace;
        return (root.Element(ns + "metadata")!, ns);
    }

    public static IReadOnlyList<string> Entries(string nupkg)
    {
        using ZipArchive zip = ZipFile.OpenRead(nupkg);
        return zip.Entries.Select(e => e.FullName).ToList();
    }

    // LodeDb.Native.<version>.nupkg, not LodeDb.Native.runtime.<rid>.<version>.nupkg.
    [GeneratedRegex(@"^LodeDb\.Native\.(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)\.nupkg$")]
    private static partial Regex NativePackageVersion();
}
