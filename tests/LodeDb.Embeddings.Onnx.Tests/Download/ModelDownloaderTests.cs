using System.Net;
using System.Security.Cryptography;
using System.Text.Json;

namespace LodeDb.Embeddings.Onnx.Tests.Download;

/// <summary>
/// <see cref="ModelDownloader"/> against <see cref="FakeHub"/> on 127.0.0.1 serving the committed
/// text-bert fixture as a repository: the pulled folder must open with <see cref="OnnxTextEmbedder"/>
/// and give the fixture's reference vectors, and every failure must leave no file under its final name.
/// </summary>
public sealed class ModelDownloaderTests
{
    private const string Repo = "lodedb-tests/text-bert";
    private const string Revision = "0123456789abcdef0123456789abcdef01234567";
    private const string Model = "onnx/model.onnx";

    private static readonly string[] PresetFiles = [Model, "vocab.txt", "tokenizer_config.json"];

    private static TextModelPreset Preset => new("text-bert", Repo, Revision, 32, PoolingMode.Mean, null, PresetFiles);

    private static ModelDownloader Downloader(FakeHub hub, double timeoutSeconds = 10) =>
        new(new ModelDownloaderOptions { Endpoint = hub.Endpoint, Timeout = TimeSpan.FromSeconds(timeoutSeconds) });

    private static string Final(string root, string file) => Path.Combine(root, "text-bert", file.Replace('/', Path.DirectorySeparatorChar));

    private static void AssertEmbedsLikeTheFixture(string root)
    {
        using OnnxTextEmbedder embedder = OnnxTextEmbedder.ForPreset(Preset, root);
        ExpectedCase sample = ExpectedOutputs.Cases[0];
        Assert.That(VectorMath.MaxAbsDifference(embedder.Embed([sample.Text])[0], sample.Mean), Is.LessThan(1e-5));
    }

    [Test]
    public async Task Full_download_fetches_exactly_the_preset_files_into_a_folder_that_embeds()
    {
        using var root = new TempFolder();
        using FakeHub hub = new FakeHub(Repo, Revision) { TreePageSize = 2 }.WithTextBert();
        using ModelDownloader downloader = Downloader(hub);

        ModelPullResult result = await downloader.PullAsync(Preset, root.Path);

        string folder = Path.Combine(root.Path, "text-bert");
        string[] onDisk = Directory.GetFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(folder, f).Replace(Path.DirectorySeparatorChar, '/')).Order(StringComparer.Ordinal).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(result.ModelDirectory, Is.EqualTo(folder));
            Assert.That(onDisk, Is.EqualTo(new[] { "lodedb-model.json", Model, "tokenizer_config.json", "vocab.txt" }));
            foreach (string file in PresetFiles)
            {
                Assert.That(File.ReadAllBytes(Final(root.Path, file)), Is.EqualTo(hub.Files[file].Content), file);
            }

            Assert.That(result.Files.Select(f => f.Path), Is.EqualTo(PresetFiles));
            Assert.That(result.Files.Select(f => f.Source), Is.All.EqualTo(PulledFileSource.Downloaded));
            Assert.That(hub.FileRequests("expected.json"), Is.Empty, "a file outside the preset was fetched");
            Assert.That(hub.FileRequests("README.md"), Is.Empty);
            Assert.That(hub.Requests.Count(r => r.Target.StartsWith("/api/models/", StringComparison.Ordinal)), Is.EqualTo(3), "tree pages (6 entries, 2 a page)");
            Assert.That(hub.Requests.Count(r => r.Target.StartsWith("/cdn-lfs/", StringComparison.Ordinal)), Is.EqualTo(1), "the LFS redirect was followed");
            Assert.That(hub.Requests.Select(r => r.UserAgent), Is.All.StartsWith("LodeDb/"));
            Assert.That(hub.RangeRequests, Is.Zero);
        });
        AssertEmbedsLikeTheFixture(root.Path);
    }

    [Test]
    public async Task Manifest_records_preset_repository_revision_and_verified_hashes()
    {
        using var root = new TempFolder();
        using FakeHub hub = new FakeHub(Repo, Revision).WithTextBert();
        using ModelDownloader downloader = Downloader(hub);

        ModelPullResult result = await downloader.PullAsync(Preset, root.Path);

        using JsonDocument manifest = JsonDocument.Parse(File.ReadAllText(result.ManifestPath));
        JsonElement rootElement = manifest.RootElement;
        var files = rootElement.GetProperty("files").EnumerateArray().ToDictionary(f => f.GetProperty("path").GetString()!);
        Assert.Multiple(() =>
        {
            Assert.That(result.ManifestPath, Is.EqualTo(Path.Combine(root.Path, "text-bert", ModelDownloader.ManifestFileName)));
            Assert.That(rootElement.GetProperty("preset").GetString(), Is.EqualTo("text-bert"));
            Assert.That(rootElement.GetProperty("repository").GetString(), Is.EqualTo(Repo));
            Assert.That(rootElement.GetProperty("revision").GetString(), Is.EqualTo(Revision));
            Assert.That(files.Keys, Is.EquivalentTo(PresetFiles));
            foreach (string file in PresetFiles)
            {
                Assert.That(files[file].GetProperty("sha256").GetString(), Is.EqualTo(hub.Files[file].Sha256), file);
                Assert.That(files[file].GetProperty("size").GetInt64(), Is.EqualTo(hub.Files[file].Content.Length), file);
            }

            Assert.That(files[Model].GetProperty("verifiedBy").GetString(), Is.EqualTo("sha256"));
            Assert.That(files[Model].TryGetProperty("gitBlobSha1", out _), Is.False);
            // The git blob id of the committed fixture (git ls-files -s): the small-file check is git's own formula.
            Assert.That(files["vocab.txt"].GetProperty("gitBlobSha1").GetString(), Is.EqualTo("8fee962975f11046dc6203101007df8c405592a5"));
            Assert.That(files["vocab.txt"].GetProperty("verifiedBy").GetString(), Is.EqualTo("git-blob-sha1"));
        });
    }

    [Test]
    public async Task Truncated_body_fails_keeps_the_partial_for_resume_and_writes_no_final_file()
    {
        using var root = new TempFolder();
        using FakeHub hub = new FakeHub(Repo, Revision).WithTextBert();
        hub.Files[Model].TruncateAt = 30_000;
        using ModelDownloader downloader = Downloader(hub);

        var error = Assert.ThrowsAsync<ModelDownloadIncompleteException>(() => downloader.PullAsync(Preset, root.Path))!;

        string partial = Final(root.Path, Model) + ModelDownloader.PartialSuffix;
        Assert.Multiple(() =>
        {
            Assert.That(error.File, Is.EqualTo(Model));
            Assert.That(error.PartialPath, Is.EqualTo(partial));
            Assert.That(error.ReceivedSize, Is.EqualTo(30_000));
            Assert.That(error.ExpectedSize, Is.EqualTo(hub.Files[Model].Content.Length));
            Assert.That(error.Message, Does.Contain("30000 of").And.Contain("run the pull again to resume"));
            Assert.That(error, Is.InstanceOf<EmbeddingModelException>());
            Assert.That(File.Exists(Final(root.Path, Model)), Is.False);
            Assert.That(File.ReadAllBytes(partial), Is.EqualTo(hub.Files[Model].Content[..30_000]));
            Assert.That(File.Exists(Path.Combine(root.Path, "text-bert", ModelDownloader.ManifestFileName)), Is.False);
        });
    }

    [Test]
    public async Task Pull_after_a_truncated_one_resumes_with_a_range_request()
    {
        using var root = new TempFolder();
        using FakeHub hub = new FakeHub(Repo, Revision).WithTextBert();
        FakeFile model = hub.Files[Model];
        model.TruncateAt = 40_000;
        model.TruncateTimes = 1;
        using ModelDownloader downloader = Downloader(hub);
        Assert.ThrowsAsync<ModelDownloadIncompleteException>(() => downloader.PullAsync(Preset, root.Path));

        ModelPullResult result = await downloader.PullAsync(Preset, root.Path);

        HubRequest[] modelRequests = hub.FileRequests(Model).Where(r => r.Target.StartsWith("/cdn-lfs/", StringComparison.Ordinal)).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(hub.RangeRequests, Is.EqualTo(1));
            Assert.That(modelRequests.Select(r => r.Range), Is.EqualTo(new[] { null, "bytes=40000-" }), "the Range header survives the redirect");
            Assert.That(hub.BytesServed[Model], Is.EqualTo(model.Content.Length), "40000 bytes, then only the rest");
            Assert.That(result.Files[0].Source, Is.EqualTo(PulledFileSource.Resumed));
            Assert.That(File.ReadAllBytes(Final(root.Path, Model)), Is.EqualTo(model.Content));
            Assert.That(File.Exists(Final(root.Path, Model) + ModelDownloader.PartialSuffix), Is.False);
        });
        AssertEmbedsLikeTheFixture(root.Path);
    }

    [TestCase(false, TestName = "Server_ignoring_range_with_200_restarts_the_file_from_zero")]
    [TestCase(true, TestName = "Server_answering_206_for_other_bytes_restarts_the_file_from_zero")]
    public async Task Range_not_honoured_restarts_cleanly(bool wrongContentRange)
    {
        using var root = new TempFolder();
        using FakeHub hub = new FakeHub(Repo, Revision).WithTextBert();
        FakeFile model = hub.Files[Model];
        model.IgnoreRange = !wrongContentRange;
        model.WrongContentRange = wrongContentRange;
        string partial = Final(root.Path, Model) + ModelDownloader.PartialSuffix;
        Directory.CreateDirectory(Path.GetDirectoryName(partial)!);
        File.WriteAllBytes(partial, model.Content[..25_000]);
        using ModelDownloader downloader = Downloader(hub);

        ModelPullResult result = await downloader.PullAsync(Preset, root.Path);

        Assert.Multiple(() =>
        {
            Assert.That(hub.RangeRequests, Is.EqualTo(1), "it asked for the rest first");
            Assert.That(result.Files[0].Source, Is.EqualTo(PulledFileSource.Downloaded));
            Assert.That(File.ReadAllBytes(Final(root.Path, Model)), Is.EqualTo(model.Content), "appending the full body to the partial would not verify");
            Assert.That(File.Exists(partial), Is.False);
        });
        AssertEmbedsLikeTheFixture(root.Path);
    }

    [TestCase(Model, "sha256")]
    [TestCase("vocab.txt", "git-blob-sha1")]
    public async Task Corrupted_body_fails_naming_both_hashes_and_leaves_neither_final_nor_partial(string file, string algorithm)
    {
        using var root = new TempFolder();
        using FakeHub hub = new FakeHub(Repo, Revision).WithTextBert();
        FakeFile served = hub.Files[file];
        served.Corrupt = true;
        byte[] corrupted = (byte[])served.Content.Clone();
        corrupted[corrupted.Length / 2] ^= 0x5A;
        string expected = algorithm == "sha256" ? served.Sha256 : served.GitBlobSha1;
        string actual = algorithm == "sha256" ? Convert.ToHexStringLower(SHA256.HashData(corrupted)) : FakeHub.GitBlobSha1(corrupted);
        using ModelDownloader downloader = Downloader(hub);

        var error = Assert.ThrowsAsync<ModelIntegrityException>(() => downloader.PullAsync(Preset, root.Path))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.File, Is.EqualTo(file));
            Assert.That(error.HashAlgorithm, Is.EqualTo(algorithm));
            Assert.That(error.ExpectedHash, Is.EqualTo(expected));
            Assert.That(error.ActualHash, Is.EqualTo(actual));
            Assert.That(error.ExpectedSize, Is.EqualTo(served.Content.Length));
            Assert.That(error.ActualSize, Is.EqualTo(served.Content.Length));
            Assert.That(error.Message, Does.Contain(expected).And.Contain(actual).And.Contain(file).And.Contain("Run the pull again"));
            Assert.That(File.Exists(Final(root.Path, file)), Is.False);
            Assert.That(File.Exists(Final(root.Path, file) + ModelDownloader.PartialSuffix), Is.False);
        });
    }

    [Test]
    public async Task Corrupted_partial_from_an_earlier_pull_is_dropped_and_the_file_fetched_again()
    {
        using var root = new TempFolder();
        using FakeHub hub = new FakeHub(Repo, Revision).WithTextBert();
        byte[] content = hub.Files[Model].Content;
        byte[] bad = content[..20_000];
        bad[100] ^= 0xFF;
        string partial = Final(root.Path, Model) + ModelDownloader.PartialSuffix;
        Directory.CreateDirectory(Path.GetDirectoryName(partial)!);
        File.WriteAllBytes(partial, bad);
        using ModelDownloader downloader = Downloader(hub);

        ModelPullResult result = await downloader.PullAsync(Preset, root.Path);

        Assert.Multiple(() =>
        {
            Assert.That(hub.RangeRequests, Is.EqualTo(1));
            Assert.That(result.Files[0].Source, Is.EqualTo(PulledFileSource.Downloaded));
            Assert.That(File.ReadAllBytes(Final(root.Path, Model)), Is.EqualTo(content));
        });
    }

    [Test]
    public void File_missing_from_the_tree_is_a_clear_error_and_nothing_is_downloaded()
    {
        using var root = new TempFolder();
        using FakeHub hub = new FakeHub(Repo, Revision).WithTextBert();
        hub.Files.Remove("tokenizer_config.json");
        using ModelDownloader downloader = Downloader(hub);

        var error = Assert.ThrowsAsync<ModelFileNotInRepositoryException>(() => downloader.PullAsync(Preset, root.Path))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.MissingFiles, Is.EqualTo(new[] { "tokenizer_config.json" }));
            Assert.That(error.File, Is.EqualTo("tokenizer_config.json"));
            Assert.That(error.Revision, Is.EqualTo(Revision));
            Assert.That(error.Message, Does.Contain("'tokenizer_config.json'").And.Contain(Repo).And.Contain(Revision).And.Contain("vocab.txt"));
            Assert.That(hub.Requests.Where(r => !r.Target.StartsWith("/api/", StringComparison.Ordinal)), Is.Empty);
            Assert.That(Directory.Exists(Path.Combine(root.Path, "text-bert")), Is.False);
        });
    }

    [Test]
    public void Server_error_for_a_file_names_the_status_and_the_file()
    {
        using var root = new TempFolder();
        using FakeHub hub = new FakeHub(Repo, Revision).WithTextBert();
        hub.Files["vocab.txt"].Status = HttpStatusCode.NotFound;
        using ModelDownloader downloader = Downloader(hub);

        var error = Assert.ThrowsAsync<ModelDownloadException>(() => downloader.PullAsync(Preset, root.Path))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.File, Is.EqualTo("vocab.txt"));
            Assert.That(error.Message, Does.Contain("404").And.Contain("vocab.txt").And.Contain(Revision));
            Assert.That(File.Exists(Final(root.Path, "vocab.txt")), Is.False);
        });
    }

    [Test]
    public async Task Files_already_present_and_valid_are_skipped_and_a_wrong_one_is_replaced()
    {
        using var root = new TempFolder();
        using FakeHub hub = new FakeHub(Repo, Revision).WithTextBert();
        using ModelDownloader downloader = Downloader(hub);
        await downloader.PullAsync(Preset, root.Path);
        int fileRequestsAfterFirst = hub.Requests.Count(r => !r.Target.StartsWith("/api/", StringComparison.Ordinal));

        ModelPullResult again = await downloader.PullAsync(Preset, root.Path);
        int fileRequestsAfterSecond = hub.Requests.Count(r => !r.Target.StartsWith("/api/", StringComparison.Ordinal));
        byte[] vocab = File.ReadAllBytes(Final(root.Path, "vocab.txt"));
        vocab[0] ^= 0x20; // same size, other content
        File.WriteAllBytes(Final(root.Path, "vocab.txt"), vocab);
        ModelPullResult repaired = await downloader.PullAsync(Preset, root.Path);

        Assert.Multiple(() =>
        {
            Assert.That(again.Files.Select(f => f.Source), Is.All.EqualTo(PulledFileSource.Skipped));
            Assert.That(fileRequestsAfterSecond, Is.EqualTo(fileRequestsAfterFirst), "nothing fetched for valid files");
            Assert.That(repaired.Files.Select(f => f.Source), Is.EqualTo(new[] { PulledFileSource.Skipped, PulledFileSource.Downloaded, PulledFileSource.Skipped }));
            Assert.That(File.ReadAllBytes(Final(root.Path, "vocab.txt")), Is.EqualTo(hub.Files["vocab.txt"].Content));
        });
        AssertEmbedsLikeTheFixture(root.Path);
    }

    [Test]
    public async Task Progress_reports_each_file_from_zero_to_its_size()
    {
        using var root = new TempFolder();
        using FakeHub hub = new FakeHub(Repo, Revision).WithTextBert();
        using ModelDownloader downloader = Downloader(hub);
        var progress = new InlineProgress();

        await downloader.PullAsync(Preset, root.Path, progress);

        Assert.Multiple(() =>
        {
            Assert.That(progress.Reports.Select(r => r.FileCount), Is.All.EqualTo(3));
            for (int i = 0; i < PresetFiles.Length; i++)
            {
                ModelDownloadProgress[] mine = progress.Reports.Where(r => r.File == PresetFiles[i]).ToArray();
                long size = hub.Files[PresetFiles[i]].Content.Length;
                ModelDownloadProgress[] downloading = mine.Where(r => r.Stage == ModelDownloadStage.Downloading).ToArray();
                Assert.That(mine.Select(r => r.FileIndex), Is.All.EqualTo(i));
                Assert.That(mine.Select(r => r.FileSize), Is.All.EqualTo(size));
                Assert.That(downloading.First().BytesDone, Is.Zero, PresetFiles[i]);
                Assert.That(downloading.Last().BytesDone, Is.EqualTo(size), PresetFiles[i]);
                Assert.That(downloading.Select(r => r.BytesDone), Is.Ordered, PresetFiles[i]);
                Assert.That(mine.Last().Stage, Is.EqualTo(ModelDownloadStage.Completed), PresetFiles[i]);
            }

            int[] order = progress.Reports.Select(r => r.FileIndex).ToArray();
            Assert.That(order, Is.Ordered, "files one after the other");
        });
    }

    [Test]
    public async Task Cancellation_stops_the_transfer_keeps_the_partial_and_a_later_pull_resumes()
    {
        using var root = new TempFolder();
        using FakeHub hub = new FakeHub(Repo, Revision).WithTextBert();
        FakeFile model = hub.Files[Model];
        model.StallAt = 12_000;
        using ModelDownloader downloader = Downloader(hub);
        using var cancel = new CancellationTokenSource();
        var progress = new InlineProgress(r =>
        {
            if (r.File == Model && r.Stage == ModelDownloadStage.Downloading)
            {
                cancel.CancelAfter(TimeSpan.FromMilliseconds(300));
            }
        });

        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.That(() => downloader.PullAsync(Preset, root.Path, progress, cancel.Token), Throws.InstanceOf<OperationCanceledException>());
        watch.Stop();
        string partial = Final(root.Path, Model) + ModelDownloader.PartialSuffix;
        Assert.Multiple(() =>
        {
            Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)), "cancelled, not timed out");
            Assert.That(File.Exists(Final(root.Path, Model)), Is.False);
            Assert.That(new FileInfo(partial).Length, Is.EqualTo(12_000));
        });

        model.StallAt = null;
        ModelPullResult result = await downloader.PullAsync(Preset, root.Path);
        Assert.Multiple(() =>
        {
            Assert.That(result.Files[0].Source, Is.EqualTo(PulledFileSource.Resumed));
            Assert.That(hub.FileRequests(Model).Last().Range, Is.EqualTo("bytes=12000-"));
        });
        AssertEmbedsLikeTheFixture(root.Path);
    }

    [Test]
    public void A_stalled_transfer_times_out_as_an_incomplete_download()
    {
        using var root = new TempFolder();
        using FakeHub hub = new FakeHub(Repo, Revision).WithTextBert();
        hub.Files[Model].StallAt = 8_000;
        using ModelDownloader downloader = Downloader(hub, timeoutSeconds: 0.5);

        var error = Assert.ThrowsAsync<ModelDownloadIncompleteException>(() => downloader.PullAsync(Preset, root.Path))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.ReceivedSize, Is.EqualTo(8_000));
            Assert.That(error.Message, Does.Contain("no data for 0.5 s"));
            Assert.That(File.Exists(Final(root.Path, Model)), Is.False);
        });
    }

    [Test]
    public void Unreachable_endpoint_is_a_download_error_naming_the_address()
    {
        using var root = new TempFolder();
        int port;
        using (var closed = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
        {
            closed.Start();
            port = ((IPEndPoint)closed.LocalEndpoint).Port;
        }

        using var downloader = new ModelDownloader(new ModelDownloaderOptions { Endpoint = $"http://127.0.0.1:{port}", Timeout = TimeSpan.FromSeconds(5) });

        var error = Assert.ThrowsAsync<ModelDownloadException>(() => downloader.PullAsync(Preset, root.Path))!;

        Assert.That(error.Message, Does.Contain($"127.0.0.1:{port}").And.Contain("LODEDB_HF_ENDPOINT"));
    }

    [Test]
    public async Task Injected_handler_carries_every_request()
    {
        using var root = new TempFolder();
        using FakeHub hub = new FakeHub(Repo, Revision).WithTextBert();
        var counting = new CountingHandler(new SocketsHttpHandler());
        using (var downloader = new ModelDownloader(counting, disposeHandler: true, new ModelDownloaderOptions { Endpoint = hub.Endpoint + "/", UserAgent = "lodedb-tests/1.0" }))
        {
            await downloader.PullAsync(Preset, root.Path);
            Assert.That(downloader.Endpoint.ToString().TrimEnd('/'), Is.EqualTo(hub.Endpoint));
        }

        Assert.Multiple(() =>
        {
            Assert.That(counting.Count, Is.EqualTo(4), "tree + 3 files (redirects are followed inside the handler)");
            Assert.That(hub.Requests.Select(r => r.UserAgent), Is.All.EqualTo("lodedb-tests/1.0"));
        });
    }

    [Test]
    public void A_second_pull_into_a_folder_being_written_is_refused()
    {
        using var root = new TempFolder();
        using FakeHub hub = new FakeHub(Repo, Revision).WithTextBert();
        string folder = Path.Combine(root.Path, "text-bert");
        Directory.CreateDirectory(folder);
        using ModelDownloader downloader = Downloader(hub);
        var error = default(ModelDownloadException);
        using (new FileStream(Path.Combine(folder, ModelDownloader.LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            error = Assert.ThrowsAsync<ModelDownloadException>(() => downloader.PullAsync(Preset, root.Path))!;
        }

        Assert.Multiple(() =>
        {
            Assert.That(error.Message, Does.Contain("Another pull").And.Contain(folder));
            Assert.That(hub.Requests.Where(r => !r.Target.StartsWith("/api/", StringComparison.Ordinal)), Is.Empty);
        });
    }

    [Test]
    public void Preset_paths_that_escape_the_folder_are_refused()
    {
        using var downloader = new ModelDownloader(new ModelDownloaderOptions { Endpoint = "http://127.0.0.1:9" });
        TextModelPreset escaping = Preset with { Files = ["../outside.onnx"] };
        TextModelPreset badName = Preset with { Name = "../x" };

        Assert.Multiple(() =>
        {
            Assert.That(() => downloader.PullAsync(escaping, Path.GetTempPath()), Throws.ArgumentException.With.Message.Contains("../outside.onnx"));
            Assert.That(() => downloader.PullAsync(badName, Path.GetTempPath()), Throws.ArgumentException);
            Assert.That(() => new ModelDownloader(new ModelDownloaderOptions { Endpoint = "ftp://example" }), Throws.ArgumentException.With.Message.Contains("LODEDB_HF_ENDPOINT"));
        });
    }

    private sealed class InlineProgress(Action<ModelDownloadProgress>? onReport = null) : IProgress<ModelDownloadProgress>
    {
        public List<ModelDownloadProgress> Reports { get; } = [];

        public void Report(ModelDownloadProgress value)
        {
            lock (Reports)
            {
                Reports.Add(value);
            }

            onReport?.Invoke(value);
        }
    }

    private sealed class CountingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        private int _count;

        public int Count => _count;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _count);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
