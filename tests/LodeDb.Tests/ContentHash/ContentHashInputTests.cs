using LodeDb.Embeddings.Onnx.Images;
using LodeDb.Tests.Images;
using SkiaSharp;

namespace LodeDb.Tests.ContentHash;

/// <summary>
/// The content hash describes exactly what was stored: the bytes an image row was embedded
/// from (a file is read again for its batch), and only text an add would accept.
/// </summary>
public sealed class ContentHashInputTests
{
    private sealed class Hook(Action<ImageIngestProgress> onReport) : IProgress<ImageIngestProgress>
    {
        public void Report(ImageIngestProgress value) => onReport(value);
    }

    [Test]
    public void AnImageFileChangedBetweenTheHeaderCheckAndItsBatchIsHashedAsEmbedded()
    {
        using var folder = new TestFolder();
        using var files = new TestFolder();
        byte[] red = TestImages.Draw(32, 32, SKColors.Red), blue = TestImages.Draw(32, 32, SKColors.Blue);
        Directory.CreateDirectory(files.Path);
        string first = Path.Combine(files.Path, "a.png"), second = Path.Combine(files.Path, "b.png");
        File.WriteAllBytes(first, red);
        File.WriteAllBytes(second, red);
        using var db = LodeDatabase.Open(folder.Path, ImageTestSupport.Options(new ColourLayoutEmbedder(), batchSize: 1));

        // After the first batch, b.png gets other pixels with the same size and format: its
        // header check passes, and its batch embeds the blue bytes.
        var progress = new Hook(report =>
        {
            if (report.Embedded == 1)
            {
                File.WriteAllBytes(second, blue);
            }
        });
        db.AddImages([ImageItem.FromFile(first, "a"), ImageItem.FromFile(second, "b")], progress);

        Assert.That(db.SearchByImage(blue, 1)[0].Id, Is.EqualTo("b"), "b was embedded from the blue bytes");
        Assert.That(db.Get("b")!.ContentHash, Is.EqualTo(LodeContentHash.OfImage(blue)), "the hash of the bytes the row was embedded from");
        Assert.That(db.Get("a")!.ContentHash, Is.EqualTo(LodeContentHash.OfImage(red)));
    }

    [Test]
    public void OfTextRefusesTextNoAddAccepts()
    {
        // UTF-8 would encode the lone surrogate as U+FFFD: two different strings, one hash.
        Assert.Throws<IllFormedStringException>(() => LodeContentHash.OfText("caf\uD800"));
        Assert.That(LodeContentHash.OfText("caf\uFFFD"), Has.Length.EqualTo(64));
    }
}
