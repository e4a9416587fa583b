using System.Security.Cryptography;
using LodeDb.Embeddings.Onnx.Tests.Download;

namespace LodeDb.Embeddings.Onnx.Tests.Manifest;

/// <summary>
/// A model folder with a lodedb-model.json (pulled or imported) is checked against it when a
/// model loads: a file changed, cut short or deleted after it was verified is a
/// <see cref="ModelDamagedException"/>, never silently different embeddings. Hashes are computed
/// once per process (cached by size and write time).
/// </summary>
public sealed class ModelIntegrityTests
{
    private static TextModelPreset BgeVariant => TextModelPresets.Bge;

    /// <summary>Pulls bge's three files (the text-bert fixture playing them) from a fake hub into <paramref name="root"/>.</summary>
    private static string Pull(TempFolder root)
    {
        using FakeHub hub = new FakeHub(BgeVariant.Repository, BgeVariant.Revision).WithTextBert();
        using var downloader = new ModelDownloader(new ModelDownloaderOptions { Endpoint = hub.Endpoint });
        return downloader.PullAsync(BgeVariant, root.Path).GetAwaiter().GetResult().ModelDirectory;
    }

    private static void FlipByte(string path, long offset)
    {
        DateTime written = File.GetLastWriteTimeUtc(path);
        using (var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite))
        {
            file.Position = offset;
            int value = file.ReadByte();
            file.Position = offset;
            file.WriteByte((byte)(value ^ 0x01));
        }

        // Damage that even keeps the write time (a bad sector, a careless copy tool) must still be found
        // by a process that has not hashed the file yet.
        File.SetLastWriteTimeUtc(path, written.AddSeconds(1));
    }

    [Test]
    public void A_pulled_folder_is_verified_when_it_loads()
    {
        using var root = new TempFolder();
        string folder = Pull(root);

        using var embedder = new OnnxTextEmbedder(folder);

        Assert.That(embedder.Integrity.Status, Is.EqualTo(ModelIntegrityStatus.Verified));
        Assert.That(embedder.Integrity.Manifest!.Files.Select(f => f.Path), Is.EquivalentTo(BgeVariant.Files));
        Assert.That(embedder.Integrity.Describe(), Does.StartWith("3 files match lodedb-model.json (SHA-256; source BAAI/bge-base-en-v1.5@"));
    }

    [Test]
    public void A_cancelled_verify_stops_while_hashing_and_a_later_one_passes()
    {
        using var root = new TempFolder();
        string folder = Pull(root);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.Throws<OperationCanceledException>(() => ModelIntegrity.Verify(folder, cancelled.Token));
        Assert.That(ModelIntegrity.Verify(folder).Status, Is.EqualTo(ModelIntegrityStatus.Verified));
    }

    [Test]
    public void A_folder_without_a_manifest_loads_and_says_it_is_not_verified()
    {
        using var embedder = new OnnxTextEmbedder(RepositoryPaths.TextBert);

        Assert.That(embedder.Integrity.Status, Is.EqualTo(ModelIntegrityStatus.NoManifest));
        Assert.That(embedder.Integrity.Describe(), Does.Contain("not verified"));
    }

    [Test]
    public void A_byte_changed_after_the_pull_is_a_typed_error_naming_the_file_and_both_hashes()
    {
        using var root = new TempFolder();
        string folder = Pull(root);
        string model = Path.Combine(folder, "onnx", "model.onnx");
        string expected = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(model)));
        FlipByte(model, new FileInfo(model).Length / 2);

        var error = Assert.Throws<ModelDamagedException>(() => new OnnxTextEmbedder(folder))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.File, Is.EqualTo(model));
            Assert.That(error.ManifestPath, Is.EqualTo(Path.Combine(folder, "lodedb-model.json")));
            Assert.That(error.ExpectedSha256, Is.EqualTo(expected));
            Assert.That(error.ActualSha256, Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(model)))));
            Assert.That(error.Preset, Is.EqualTo("bge"));
            Assert.That(error.Message, Does.Contain(model).And.Contain("lodedb models pull bge"));
        });
        Assert.Throws<ModelDamagedException>(() => OnnxTextEmbedder.ForPreset("bge", root.Path), "the preset route checks the same manifest");
        Assert.That(ModelFolderHealth.Inspect(BgeVariant, folder).Damaged, Is.True, "the doctor sees it too");
    }

    [Test]
    public void A_file_cut_short_or_deleted_after_the_pull_is_a_typed_error()
    {
        using var root = new TempFolder();
        string folder = Pull(root);
        string vocab = Path.Combine(folder, "vocab.txt");
        long size = new FileInfo(vocab).Length;
        using (var file = new FileStream(vocab, FileMode.Open)) { file.SetLength(size - 3); }

        var shorter = Assert.Throws<ModelDamagedException>(() => new OnnxTextEmbedder(folder))!;
        Assert.That(shorter.ExpectedSize, Is.EqualTo(size));
        Assert.That(shorter.ActualSize, Is.EqualTo(size - 3));

        File.Delete(Path.Combine(folder, "tokenizer_config.json"));
        File.Delete(vocab);
        var missing = Assert.Throws<ModelDamagedException>(() => new OnnxTextEmbedder(folder))!;
        Assert.That(missing.ActualSize, Is.Null);
        Assert.That(missing.Message, Does.Contain("is missing"));
    }

    [Test]
    public void Each_file_is_hashed_once_per_process_until_its_size_or_write_time_changes()
    {
        using var root = new TempFolder();
        string folder = Pull(root);
        using (new OnnxTextEmbedder(folder))
        {
        }

        long before = ModelIntegrity.HashesComputed;
        using (new OnnxTextEmbedder(folder))
        {
        }

        Assert.That(ModelIntegrity.HashesComputed, Is.EqualTo(before), "a second load reuses the hashes");

        string model = Path.Combine(folder, "onnx", "model.onnx");
        File.SetLastWriteTimeUtc(model, File.GetLastWriteTimeUtc(model).AddMinutes(1));
        using (new OnnxTextEmbedder(folder))
        {
        }

        Assert.That(ModelIntegrity.HashesComputed, Is.EqualTo(before + 1), "a touched file is hashed again (and still matches)");
    }

    [TestCase("{ not json", "not valid")]
    [TestCase("""{"format": 2, "files": []}""", "format")]
    [TestCase("""{"format": 1}""", "files")]
    [TestCase("""{"format": 1, "files": [{"path": "../vocab.txt", "size": 1, "sha256": "0000000000000000000000000000000000000000000000000000000000000000"}]}""", "not a path inside")]
    [TestCase("""{"format": 1, "files": [{"path": "vocab.txt", "size": 1, "sha256": "abc"}]}""", "64 lower-case hex")]
    [TestCase("""{"format": 1, "files": [{"path": "vocab.txt", "sha256": "abc"}]}""", "lacks")]
    public void An_unreadable_manifest_is_a_format_error_naming_it(string manifest, string reason)
    {
        using var root = new TempFolder();
        string folder = root.CopyTextBert("model");
        string path = root.Write("model/lodedb-model.json", manifest);

        var error = Assert.Throws<ModelFormatException>(() => new OnnxTextEmbedder(folder))!;

        Assert.That(error.File, Is.EqualTo(path));
        Assert.That(error.Message, Does.Contain(reason));
    }

    [Test]
    public void The_clip_embedder_checks_its_folder_s_manifest_too()
    {
        using var root = new TempFolder();
        string folder = root.Combine("clip");
        foreach (string file in Directory.GetFiles(Clip.ClipFixture.Folder, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(folder, Path.GetRelativePath(Clip.ClipFixture.Folder, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        string[] files = ["onnx/text_model.onnx", "onnx/vision_model.onnx", "vocab.json", "merges.txt"];
        new ModelManifest("clip", "test", [.. files.Select(f => Entry(folder, f))]).Write(folder);
        using (var clip = new OnnxClipEmbedder(folder))
        {
            Assert.That(clip.Integrity.Status, Is.EqualTo(ModelIntegrityStatus.Verified));
        }

        FlipByte(Path.Combine(folder, "onnx", "vision_model.onnx"), 100);
        var error = Assert.Throws<ModelDamagedException>(() => new OnnxClipEmbedder(folder))!;
        Assert.That(error.File, Does.EndWith("vision_model.onnx"), "the vision tower is checked although it loads later");
    }

    private static ModelManifestFile Entry(string folder, string relative)
    {
        string path = Path.Combine(folder, relative);
        return new ModelManifestFile(relative, new FileInfo(path).Length, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))));
    }
}
