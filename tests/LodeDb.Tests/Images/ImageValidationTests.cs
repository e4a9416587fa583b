using LodeDb.Embeddings.Onnx.Images;
using static LodeDb.Tests.Images.ImageTestSupport;

namespace LodeDb.Tests.Images;

/// <summary>Bad images and payloads: a typed error, nothing stored, no model call and no metric counted.</summary>
public sealed class ImageValidationTests
{
    private static IEnumerable<TestCaseData> BadImages()
    {
        yield return new TestCaseData(Array.Empty<byte>(), InvalidImageReason.Empty).SetName("Empty");
        yield return new TestCaseData("no image, just text"u8.ToArray(), InvalidImageReason.UnsupportedFormat).SetName("Unsupported");
        yield return new TestCaseData(Red.AsSpan(0, 24).ToArray(), InvalidImageReason.Corrupt).SetName("Corrupt");
        yield return new TestCaseData(TestImages.PngHeader(20_000, 20_000), InvalidImageReason.TooLarge).SetName("DecompressionBomb");
    }

    [TestCaseSource(nameof(BadImages))]
    public void ABadImageStoresNothingAndCallsNoModel(byte[] encoded, InvalidImageReason reason)
    {
        using var folder = new TestFolder();
        var embedder = new ColourLayoutEmbedder();
        using var db = LodeDatabase.Open(folder.Path, Options(embedder));
        db.AddImage(Red, "kept");
        LodeStats before = db.Stats();

        Assert.That(Assert.Throws<InvalidImageException>(() => db.AddImage(encoded, "bad"))!.Reason, Is.EqualTo(reason));
        Assert.That(Assert.Throws<InvalidImageException>(() => db.AddImage(new MemoryStream(encoded), "bad"))!.Reason, Is.EqualTo(reason));
        Assert.That(Assert.Throws<InvalidImageException>(() => db.SearchByImage(encoded))!.Reason, Is.EqualTo(reason));
        var batch = Assert.Throws<InvalidImageException>(() => db.AddImages([ImageItem.FromBytes(Green, "g"), ImageItem.FromBytes(encoded, "bad")]));
        Assert.That(batch!.Reason, Is.EqualTo(reason));
        Assert.That(batch.Source, Does.Contain("#1"), "names the item");

        Assert.That(embedder.ImageCalls, Is.EqualTo(1), "only the first, good image reached the model");
        LodeStats after = db.Stats();
        Assert.That(after.Count, Is.EqualTo(1));
        Assert.That(db.Contains("bad") || db.Contains("g"), Is.False);
        Assert.That(after.WalRecords, Is.EqualTo(before.WalRecords), "nothing committed");
        Assert.That(after.IngestImageEmbeddings, Is.EqualTo(before.IngestImageEmbeddings), "no ingest metric, not even a failure");
        Assert.That(after.QueryImageEmbeddings, Is.EqualTo(new ImageEmbeddingMetrics()), "no query metric");
    }

    [Test]
    public void TheBombIsRefusedFromAFewHundredBytesOfHeader()
    {
        using var folder = new TestFolder();
        using var files = new TestFolder();
        Directory.CreateDirectory(files.Path);
        var embedder = new ColourLayoutEmbedder();
        using var db = LodeDatabase.Open(folder.Path, Options(embedder));
        string path = files.File("bomb.png");
        File.WriteAllBytes(path, TestImages.PngHeader(20_000, 20_000));
        Assert.That(new FileInfo(path).Length, Is.LessThan(500));

        var ex = Assert.Throws<InvalidImageException>(() => db.AddImage(path));
        Assert.That(ex!.Reason, Is.EqualTo(InvalidImageReason.TooLarge));
        Assert.That(ex.Message, Does.Contain(path).And.Contain("20000 x 20000").And.Contain("LODEDB_MAX_IMAGE_PIXELS"));
        Assert.Throws<InvalidImageException>(() => db.AddImages([ImageItem.FromFile(path)]));
        Assert.That(embedder.ImageCalls, Is.Zero, "never decoded by the embedder");
        Assert.That(db.Count(), Is.Zero);
    }

    [Test]
    public void AnOversizedFileOrStreamIsRefusedBeforeItIsRead()
    {
        using var folder = new TestFolder();
        using var files = new TestFolder();
        Directory.CreateDirectory(files.Path);
        var embedder = new ColourLayoutEmbedder();
        using var db = LodeDatabase.Open(folder.Path, Options(embedder));
        string path = files.File("huge.png");
        using (var file = new FileStream(path, FileMode.CreateNew))
        {
            file.Write(Red);
            file.SetLength(ImageLimits.MaxEncodedBytes + 1); // sparse: nothing is written
        }

        var ex = Assert.Throws<InvalidImageException>(() => db.AddImage(path));
        Assert.That(ex!.Reason, Is.EqualTo(InvalidImageReason.TooLarge));
        Assert.That(ex.Message, Does.Contain("-byte limit"));
        var streamed = Assert.Throws<InvalidImageException>(() => db.AddImage(new EndlessStream(ImageLimits.MaxEncodedBytes + 1)));
        Assert.That(streamed!.Reason, Is.EqualTo(InvalidImageReason.TooLarge));
        Assert.That(embedder.ImageCalls, Is.Zero);
        Assert.That(db.Count(), Is.Zero);
    }

    /// <summary>A seekable stream announcing <paramref name="length"/> bytes; reading it would take forever.</summary>
    private sealed class EndlessStream(long length) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position { get; set; }

        public override int Read(byte[] buffer, int offset, int count) => throw new AssertionException("the stream was read although its length is over the limit");

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Test]
    public void ThePayloadIsCheckedBeforeTheImageIsRead()
    {
        using var folder = new TestFolder();
        var embedder = new ColourLayoutEmbedder();
        using var db = LodeDatabase.Open(folder.Path, Options(embedder));
        string missing = Path.Combine(folder.Path, "no-such-image.png");

        // Each payload error is reported, not the missing file behind it.
        Assert.Throws<ArgumentException>(() => db.AddImage(missing, id: ""));
        Assert.Throws<ArgumentException>(() => db.AddImage(missing, metadata: new Dictionary<string, object?> { ["bad"] = new object() }));
        Assert.Throws<ArgumentException>(() => db.AddImage(missing, metadata: new Dictionary<string, object?> { ["$reserved"] = 1 }));
        Assert.Throws<ArgumentException>(() => db.AddImages([ImageItem.FromFile(missing, "a"), ImageItem.FromBytes(Red, "a")]), "duplicate id");
        Assert.Throws<ArgumentException>(() => db.AddImages([ImageItem.FromFile(missing), ImageItem.FromBytes(Red, metadata: new Dictionary<string, object?> { ["x"] = new object() })]));
        Assert.Throws<ArgumentException>(() => db.AddImages([]));
        Assert.Throws<FileNotFoundException>(() => db.AddImage(missing), "a good payload reaches the read");
        Assert.That(embedder.ImageCalls, Is.Zero);
        Assert.That(db.Count(), Is.Zero);
        Assert.That(db.Stats().IngestImageEmbeddings, Is.EqualTo(new ImageEmbeddingMetrics()));
    }

    [Test]
    public void ACaptionNeedsALexicalSourceOrStoredText()
    {
        using var folder = new TestFolder();
        var embedder = new ColourLayoutEmbedder();
        using var db = LodeDatabase.Open(folder.Path, Options(embedder, storeText: false, indexText: false));
        var ex = Assert.Throws<ArgumentException>(() => db.AddImage(Red, "r", text: "a caption"));
        Assert.That(ex!.Message, Does.Contain("StoreText = false and IndexText = false"));
        Assert.That(embedder.ImageCalls, Is.Zero);
        db.AddImage(Red, "r");
        Assert.That(db.Count(), Is.EqualTo(1));
    }

    [Test]
    public void AFailingEmbedderCountsAFailureAndStoresNothing()
    {
        using var folder = new TestFolder();
        var embedder = new ColourLayoutEmbedder();
        using var db = LodeDatabase.Open(folder.Path, Options(embedder));
        embedder.ImageFailure = new HttpRequestException("backend down");
        Assert.Throws<HttpRequestException>(() => db.AddImage(Red, "r"));
        Assert.Throws<HttpRequestException>(() => db.SearchByImage(Red));
        LodeStats stats = db.Stats();
        Assert.That(stats.Count, Is.Zero);
        Assert.That((stats.IngestImageEmbeddings.Calls, stats.IngestImageEmbeddings.Images, stats.IngestImageEmbeddings.Failures), Is.EqualTo((1L, 0L, 1L)));
        Assert.That((stats.QueryImageEmbeddings.Calls, stats.QueryImageEmbeddings.Failures), Is.EqualTo((1L, 1L)));
    }
}
