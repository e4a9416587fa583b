using LodeDb.Embeddings.Onnx;

namespace LodeDb.RealModels.Tests;

/// <summary>
/// Where the real models are: artifacts/models/{minilm, arctic-embed-xs} as
/// tests/LodeDb.ModelSource extracted them from their NuGet packages during the build. A test that
/// needs one calls <see cref="RequireFolder"/>: when the folder is not there it reports itself
/// skipped (Assert.Ignore) with the reason the extraction wrote, never passed. With
/// <c>LODEDB_REQUIRE_REAL_MODELS=1</c> a missing model fails the test instead.
/// </summary>
internal static class RealModels
{
    public const string MiniLm = "minilm";
    public const string ArcticXs = "arctic-embed-xs";

    /// <summary>Snowflake's query instruction for arctic-embed (documents get none).</summary>
    public const string ArcticQueryPrefix = "Represent this sentence for searching relevant passages: ";

    public static string Root { get; } = Path.Combine(FindRepositoryRoot(), "artifacts", "models");

    public static string RequireFolder(string name)
    {
        string folder = Path.Combine(Root, name);
        if (File.Exists(Path.Combine(folder, "model.onnx")) && File.Exists(Path.Combine(folder, "vocab.txt")))
        {
            return folder;
        }

        string unavailable = Path.Combine(Root, "unavailable.txt");
        string reason = File.Exists(unavailable)
            ? File.ReadAllText(unavailable).Trim()
            : $"{folder} was not extracted (build tests/LodeDb.RealModels.Tests, which runs tests/LodeDb.ModelSource)";
        string message = $"Real model '{name}' unavailable: {reason}";
        if (Environment.GetEnvironmentVariable("LODEDB_REQUIRE_REAL_MODELS") == "1")
        {
            Assert.Fail(message);
        }

        Assert.Ignore(message);
        return folder; // not reached
    }

    /// <summary>arctic-embed-xs as a custom embedder: CLS pooling, its query prefix, 512 tokens.</summary>
    public static OnnxTextEmbedder OpenArctic() => new(RequireFolder(ArcticXs), new OnnxTextEmbedderOptions
    {
        Pooling = PoolingMode.Cls,
        QueryPrefix = ArcticQueryPrefix,
        MaxSequenceLength = 512,
        ModelId = "Snowflake/snowflake-arctic-embed-xs",
    });

    private static string FindRepositoryRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LodeDb.Native.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No repository root (LodeDb.Native.sln) above {AppContext.BaseDirectory}.");
    }
}

/// <summary>
/// The minilm preset as a user gets it offline: the extracted folder imported with
/// <see cref="ModelImporter"/> into a models root of this test run (shape checked, manifest with
/// SHA-256s written), once for the whole assembly.
/// </summary>
internal static class ImportedMiniLm
{
    private static readonly Lazy<(string Root, ModelImportResult Result)> Imported = new(() =>
    {
        string source = RealModels.RequireFolder(RealModels.MiniLm);
        string root = Path.Combine(Path.GetTempPath(), "lodedb-real-models", Guid.NewGuid().ToString("N"));
        return (root, ModelImporter.Import(RealModels.MiniLm, source, root));
    });

    /// <summary>The models root holding minilm/ (skips the test when the model is unavailable).</summary>
    public static string Root
    {
        get
        {
            RealModels.RequireFolder(RealModels.MiniLm);
            return Imported.Value.Root;
        }
    }

    public static ModelImportResult Result
    {
        get
        {
            RealModels.RequireFolder(RealModels.MiniLm);
            return Imported.Value.Result;
        }
    }

    /// <summary>Deletes the imported copy (called once after every test ran).</summary>
    public static void Cleanup()
    {
        if (Imported.IsValueCreated && Directory.Exists(Imported.Value.Root))
        {
            Directory.Delete(Imported.Value.Root, recursive: true);
        }
    }
}

[SetUpFixture]
public sealed class RealModelsCleanup
{
    [OneTimeTearDown]
    public void DeleteImportedModels() => ImportedMiniLm.Cleanup();
}
