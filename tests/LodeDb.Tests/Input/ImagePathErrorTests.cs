using LodeDb.Tests.Images;
using Microsoft.Extensions.AI;

namespace LodeDb.Tests.Input;

/// <summary>Image calls name the file they could not use: a directory is a typed error, and the embedder learns each image's path.</summary>
public sealed class ImagePathErrorTests
{
    [Test]
    public void ADirectoryGivenAsAnImageIsAnArgumentErrorNamingIt()
    {
        using var folder = new TestFolder();
        using var images = new TestFolder();
        Directory.CreateDirectory(images.Path);
        var embedder = new ColourLayoutEmbedder();
        using var db = LodeDatabase.Open(folder.Path, ImageTestSupport.Options(embedder));

        var single = Assert.Throws<ArgumentException>(() => db.AddImage(images.Path, "dir"));
        Assert.That(single, Is.Not.InstanceOf<UnauthorizedAccessException>());
        Assert.That(single!.Message, Does.Contain(images.Path).And.Contain("is a directory"));
        Assert.That(Assert.Throws<ArgumentException>(() => db.AddImages([ImageItem.FromBytes(ImageTestSupport.Red, "r"), ImageItem.FromFile(images.Path, "dir")]))!.Message, Does.Contain(images.Path));
        Assert.That(Assert.Throws<ArgumentException>(() => db.SearchByImage(images.Path))!.Message, Does.Contain(images.Path));
        Assert.That(embedder.ImageCalls, Is.Zero);
        Assert.That(db.Count(), Is.Zero);
    }

    [Test]
    public void TheEmbedderSeesEachImageNamedByItsPathOrItem()
    {
        // An embedder's own decoding error quotes DataContent.Name (the CLIP embedder falls back to
        // "images[i]", the position inside one batch, which names the wrong image in later batches).
        using var folder = new TestFolder();
        using var files = new TestFolder();
        Directory.CreateDirectory(files.Path);
        string red = files.File("red.png");
        string green = files.File("green.png");
        File.WriteAllBytes(red, ImageTestSupport.Red);
        File.WriteAllBytes(green, ImageTestSupport.Green);
        var embedder = new NameRecordingEmbedder(new ColourLayoutEmbedder());
        using var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { Embedder = embedder, ModelName = ColourLayoutEmbedder.ModelName, ImageBatchSize = 1 });

        db.AddImage(red, "r");
        db.AddImages([ImageItem.FromBytes(ImageTestSupport.Blue, "b"), ImageItem.FromFile(green, "g")]);
        db.SearchByImage(green);
        db.AddImage(ImageTestSupport.Yellow, "y");

        Assert.That(embedder.Names, Is.EqualTo(new[] { red, "#0 (bytes)", $"#1 ({green})", green, "bytes" }));
    }

    [Test]
    public void TheClipEmbeddersDecodingErrorNamesTheFileNotItsPositionInTheBatch()
    {
        // A PNG cut inside its pixel data: the header check passes, the CLIP preprocessing fails.
        using var folder = new TestFolder();
        using var files = new TestFolder();
        Directory.CreateDirectory(files.Path);
        string good = files.File("good.png");
        string cut = files.File("cut.png");
        byte[] png = ImageTestSupport.Noise(3, 64);
        File.WriteAllBytes(good, png);
        File.WriteAllBytes(cut, png.AsSpan(0, png.Length * 2 / 3).ToArray());
        using var clip = new LodeDb.Embeddings.Onnx.OnnxClipEmbedder(ClipFixtureFolder());
        using var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { Embedder = clip, ModelName = "clip-fixture", ImageBatchSize = 1 });

        var single = Assert.Throws<LodeDb.Images.InvalidImageException>(() => db.AddImage(cut));
        Assert.That(single!.Message, Does.Contain(cut).And.Contain("pixel data cannot be decoded").And.Not.Contain("images["));
        var batch = Assert.Throws<LodeDb.Images.InvalidImageException>(() => db.AddImages([ImageItem.FromFile(good), ImageItem.FromFile(cut)]));
        Assert.That(batch!.Message, Does.Contain(cut).And.Contain("#1").And.Not.Contain("images["));
        Assert.That(db.Count(), Is.Zero);
    }

    private static string ClipFixtureFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LodeDb.Native.sln")))
            {
                return Path.Combine(dir.FullName, "tests", "fixtures", "clip");
            }
        }

        throw new DirectoryNotFoundException("LodeDb.Native.sln not found above the test assembly.");
    }

    /// <summary>The colour-layout embedder (real pixels, no model), recording the name of every image it is given.</summary>
    private sealed class NameRecordingEmbedder(ColourLayoutEmbedder inner) : IEmbeddingGenerator<string, Embedding<float>>, IEmbeddingGenerator<DataContent, Embedding<float>>
    {
        public List<string?> Names { get; } = [];

        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<DataContent> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            DataContent[] images = values.ToArray();
            Names.AddRange(images.Select(i => i.Name));
            return inner.GenerateAsync(images, options, cancellationToken);
        }

        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
            inner.GenerateAsync(values, options, cancellationToken);

        public object? GetService(Type serviceType, object? serviceKey = null) =>
            serviceType.IsInstanceOfType(this) ? this : inner.GetService(serviceType, serviceKey);

        public void Dispose()
        {
        }
    }
}
