namespace LodeDb.Embeddings.Onnx.Tests.Download;

/// <summary>LODEDB_HF_ENDPOINT and LODEDB_MODEL_DIR steer a pull that names neither (environment: not parallel).</summary>
[NonParallelizable]
public sealed class ModelDownloaderEnvironmentTests
{
    [Test]
    public async Task Endpoint_and_model_root_come_from_the_environment()
    {
        using var root = new TempFolder();
        using FakeHub hub = new FakeHub("lodedb-tests/env", "main").WithTextBert();
        string? oldEndpoint = Environment.GetEnvironmentVariable(ModelDownloader.EndpointVariable);
        string? oldRoot = Environment.GetEnvironmentVariable(ModelFolderResolver.ModelDirectoryVariable);
        try
        {
            Environment.SetEnvironmentVariable(ModelDownloader.EndpointVariable, hub.Endpoint);
            Environment.SetEnvironmentVariable(ModelFolderResolver.ModelDirectoryVariable, root.Path);
            var preset = new TextModelPreset("Env-Model", "lodedb-tests/env", "main", 32, PoolingMode.Mean, null, ["onnx/model.onnx", "vocab.txt", "tokenizer_config.json"]);
            using var downloader = new ModelDownloader();

            ModelPullResult result = await downloader.PullAsync(preset);

            Assert.Multiple(() =>
            {
                Assert.That(downloader.Endpoint.ToString().TrimEnd('/'), Is.EqualTo(hub.Endpoint));
                Assert.That(ModelDownloader.ResolveEndpoint(), Is.EqualTo(new Uri(hub.Endpoint)));
                Assert.That(result.ModelDirectory, Is.EqualTo(Path.Combine(root.Path, "env-model")));
                Assert.That(ModelFolderResolver.FindModelFile(result.ModelDirectory), Is.Not.Null);
            });

            using OnnxTextEmbedder embedder = OnnxTextEmbedder.ForPreset(preset);
            Assert.That(embedder.ModelDirectory, Is.EqualTo(result.ModelDirectory));
        }
        finally
        {
            Environment.SetEnvironmentVariable(ModelDownloader.EndpointVariable, oldEndpoint);
            Environment.SetEnvironmentVariable(ModelFolderResolver.ModelDirectoryVariable, oldRoot);
        }

        Environment.SetEnvironmentVariable(ModelDownloader.EndpointVariable, null);
        try
        {
            Assert.That(ModelDownloader.ResolveEndpoint(), Is.EqualTo(new Uri(ModelDownloader.DefaultEndpoint)));
        }
        finally
        {
            Environment.SetEnvironmentVariable(ModelDownloader.EndpointVariable, oldEndpoint);
        }
    }
}
