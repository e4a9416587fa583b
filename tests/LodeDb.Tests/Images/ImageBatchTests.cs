using LodeDb.Embeddings.Onnx.Images;
using SkiaSharp;
using static LodeDb.Tests.Images.ImageTestSupport;

namespace LodeDb.Tests.Images;

/// <summary>AddImages: batches bounded by count and decoded bytes, progress, one atomic commit.</summary>
public sealed class ImageBatchTests
{
    /// <summary>Records progress synchronously (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class ProgressLog : IProgress<ImageIngestProgress>
    {
        public List<ImageIngestProgress> Reports { get; } = [];

        public void Report(ImageIngestProgress value) => Reports.Add(value);
    }

    private static ImageItem Square(int size, SKColor colour, string id) =>
        ImageItem.FromBytes(TestImages.Draw(size, size, colour), id, new Dictionary<string, object?> { ["size"] = size });

    [Test]
    public void BatchesRespectTheDecodedBytesBudgetAndTheBatchSize()
    {
        using var folder = new TestFolder();
        var embedder = new ColourLayoutEmbedder();
        // 32 x 32 = 4,096 decoded bytes; 64 x 64 = 16,384 (over the budget alone).
        const long budget = 10_000;
        using var db = LodeDatabase.Open(folder.Path, Options(embedder, batchSize: 3, batchBytes: budget));
        ImageItem[] items =
        [
            Square(32, SKColors.Red, "s0"), Square(32, SKColors.Lime, "s1"), Square(32, SKColors.Blue, "s2"),
            Square(64, SKColors.Yellow, "big"),
            Square(32, SKColors.Cyan, "s4"), Square(32, SKColors.Magenta, "s5"), Square(32, SKColors.White, "s6"),
        ];
        var progress = new ProgressLog();
        long walBefore = db.Stats().WalRecords;

        IReadOnlyList<string> ids = db.AddImages(items, progress);

        Assert.That(ids, Is.EqualTo(items.Select(i => i.Id)));
        Assert.That(embedder.ImageBatches.Select(b => b.Count), Is.EqualTo(new[] { 2, 1, 1, 2, 1 }));
        Assert.That(embedder.ImageBatches.Select(b => b.DecodedBytes), Is.EqualTo(new long[] { 8192, 4096, 16384, 8192, 4096 }));
        Assert.That(embedder.ImageBatches.Where(b => b.Count > 1), Has.All.Matches<(int Count, long DecodedBytes)>(b => b.DecodedBytes <= budget));
        Assert.That(progress.Reports, Is.EqualTo(new[] { new ImageIngestProgress(2, 7), new(3, 7), new(4, 7), new(6, 7), new(7, 7) }));
        Assert.That(db.Stats().WalRecords - walBefore, Is.EqualTo(1), "one commit for the whole call");
        Assert.That(db.Count(), Is.EqualTo(7));
        Assert.That(db.SearchByImage(TestImages.Draw(20, 20, SKColors.Magenta), 1)[0].Id, Is.EqualTo("s5"));

        // With room to spare, the batch size is the bound.
        var second = new ColourLayoutEmbedder();
        using var other = new TestFolder();
        using var db2 = LodeDatabase.Open(other.Path, Options(second, batchSize: 3));
        db2.AddImages(items);
        Assert.That(second.ImageBatches.Select(b => b.Count), Is.EqualTo(new[] { 3, 3, 1 }));
    }

    [Test]
    public void ACorruptItemInTheMiddleStoresNothingAndCallsNoModel()
    {
        using var folder = new TestFolder();
        var embedder = new ColourLayoutEmbedder();
        using var db = LodeDatabase.Open(folder.Path, Options(embedder, batchSize: 2));
        db.AddImage(Red, "s1", text: "before");
        ImageItem[] items =
        [
            ImageItem.FromBytes(Green, "s0"), ImageItem.FromBytes(Blue, "s1"),
            ImageItem.FromBytes(Red.AsSpan(0, 40).ToArray(), "broken"),
            ImageItem.FromBytes(Yellow, "s3"),
        ];
        var progress = new ProgressLog();
        var ex = Assert.Throws<InvalidImageException>(() => db.AddImages(items, progress));
        Assert.That(ex!.Source, Is.EqualTo("#2 (bytes)"));
        Assert.That(embedder.ImageCalls, Is.EqualTo(1), "only the single AddImage before");
        Assert.That(progress.Reports, Is.Empty);
        Assert.That(db.Count(), Is.EqualTo(1));
        Assert.That(db.GetText("s1"), Is.EqualTo("before"), "the existing row was not replaced");
    }

    [Test]
    public void CancellationMidWayStoresNothing()
    {
        using var folder = new TestFolder();
        var embedder = new ColourLayoutEmbedder();
        using var cts = new CancellationTokenSource();
        embedder.AfterImageBatch = batches =>
        {
            if (batches == 2)
            {
                cts.Cancel();
            }
        };
        using (var db = LodeDatabase.Open(folder.Path, Options(embedder, batchSize: 2)))
        {
            ImageItem[] items = Enumerable.Range(0, 7).Select(i => ImageItem.FromBytes(Noise(i, 8), $"n{i}")).ToArray();
            var progress = new ProgressLog();
            Assert.That(() => db.AddImages(items, progress, cts.Token), Throws.InstanceOf<OperationCanceledException>());
            Assert.That(embedder.ImageCalls, Is.EqualTo(2), "stopped at the cancellation");
            Assert.That(progress.Reports, Is.EqualTo(new[] { new ImageIngestProgress(2, 7) }));
            Assert.That(db.Count(), Is.Zero);
            LodeStats stats = db.Stats();
            Assert.That(stats.IngestImageEmbeddings.Failures, Is.Zero, "a cancellation is not an embedder failure");
            Assert.That(stats.IngestImageEmbeddings.Images, Is.EqualTo(2));
        }

        using var reopened = LodeDatabase.Open(folder.Path, Options(new ColourLayoutEmbedder()));
        Assert.That(reopened.Count(), Is.Zero);
    }

    [Test]
    public void FileAndStreamItemsMixWithBytes()
    {
        using var folder = new TestFolder();
        using var files = new TestFolder();
        Directory.CreateDirectory(files.Path);
        string path = files.File("green.jpg");
        File.WriteAllBytes(path, TestImages.Draw(24, 24, SKColors.Lime, format: SKEncodedImageFormat.Jpeg));
        var embedder = new ColourLayoutEmbedder();
        using var db = LodeDatabase.Open(folder.Path, Options(embedder, batchSize: 2));
        using var stream = new MemoryStream(Blue);
        IReadOnlyList<string> ids = db.AddImages(
        [
            ImageItem.FromFile(path, "green", new Dictionary<string, object?> { ["path"] = path }),
            new ImageItem(ImageSource.FromStream(stream), "blue", Text: "sky"),
            ImageItem.FromBytes(TestImages.Gif()),
            ImageItem.FromBytes(TestImages.Bmp(5, 5, SKColors.Red), "bmp"),
        ]);
        Assert.That(ids, Has.Count.EqualTo(4));
        Assert.That(ids[2], Has.Length.EqualTo(32));
        Assert.That(stream.CanRead, Is.True);
        Assert.That(embedder.MediaTypes, Is.EqualTo(new[] { "image/jpeg", "image/png", "image/gif", "image/bmp" }));
        Assert.That(db.Search("green", 1)[0].Id, Is.EqualTo("green"));
        Assert.That(db.Search("red", 1)[0].Id, Is.EqualTo("bmp"));
        Assert.That(db.Search("sky", 1, SearchMode.Lexical)[0].Id, Is.EqualTo("blue"));
    }

    [Test]
    public void StatsSplitImageIngestAndQueryFromText()
    {
        using var folder = new TestFolder();
        var embedder = new ColourLayoutEmbedder();
        using var db = LodeDatabase.Open(folder.Path, Options(embedder, batchSize: 2));
        db.AddImage(Red, "r");
        db.AddImages([ImageItem.FromBytes(Green), ImageItem.FromBytes(Blue), ImageItem.FromBytes(Yellow)]);
        db.SearchByImage(Red);
        db.SearchByImage(Blue, 2);
        db.Search("red");

        LodeStats stats = db.Stats();
        Assert.That((stats.IngestImageEmbeddings.Calls, stats.IngestImageEmbeddings.Images, stats.IngestImageEmbeddings.Failures), Is.EqualTo((3L, 4L, 0L)));
        Assert.That(stats.IngestImageEmbeddings.Time, Is.GreaterThan(TimeSpan.Zero));
        Assert.That((stats.QueryImageEmbeddings.Calls, stats.QueryImageEmbeddings.Images, stats.QueryImageEmbeddings.Failures), Is.EqualTo((2L, 2L, 0L)));
        Assert.That(stats.QueryImageEmbeddings.Time, Is.GreaterThan(TimeSpan.Zero));
        Assert.That(stats.QueryEmbeddings.Texts, Is.EqualTo(1), "the text query counts on the text side");
        Assert.That(stats.IngestEmbeddings.Texts, Is.Zero, "images are not counted as texts");
    }
}
