using static LodeDb.Tests.Images.ImageTestSupport;

namespace LodeDb.Tests.Images;

/// <summary>
/// Images with a real kill: a child process (tests/LodeDb.CrashWriter, images mode) adds images one
/// by one through the colour/layout embedder under Fsync, acknowledging each on stdout, and is
/// SIGKILLed mid-way before any checkpoint. The folder must reopen without re-embedding, with every
/// acknowledged image found first by its own bytes, nothing but the in-flight image extra, and no
/// file (before or after the checkpoint that folds the log) holding the raw image bytes.
/// </summary>
public sealed class ImageCrashTests
{
    private const int Acknowledgements = 12;

    [TestCase(CommitMode.Wal)]
    [TestCase(CommitMode.Generation)]
    public void AKilledImageWriterKeepsEveryAcknowledgedImageAndNoImageBytes(CommitMode mode)
    {
        using var folder = new TestFolder();
        List<string> lines = ChildProcess.KillAfterAcknowledgements(Acknowledgements, "images", folder.Path, mode.ToString());
        List<string> acknowledged = lines.Where(l => l.EndsWith(" .", StringComparison.Ordinal)).ToList();
        Assert.That(acknowledged, Has.Count.GreaterThanOrEqualTo(Acknowledgements));
        for (int i = 0; i < acknowledged.Count; i++)
        {
            Assert.That(acknowledged[i], Is.EqualTo($"add {CrashImages.Id(i)} ."), "the writer acknowledges its images in order");
        }

        int n = acknowledged.Count;
        Assert.That(Directory.GetFiles(folder.Path).Select(Path.GetFileName), Has.Some.Match(mode == CommitMode.Wal ? @"index\.g\d+\.wal" : @"index\.g1\.journal"),
            "the images were still in the log when it was killed");

        // Every image the writer was given (acknowledged, in flight, or the next one) must be absent.
        byte[][] images = Enumerable.Range(0, n + 2).Select(CrashImages.Encoded).ToArray();
        AssertNoImageBytes(folder.Path, images, "after the kill");

        var embedder = new ColourLayoutEmbedder();
        using (var replayed = LodeDatabase.Open(folder.Path, Options(embedder, mode: mode)))
        {
            Assert.That(embedder.ImageCalls + embedder.TextCalls, Is.Zero, "replay never re-embeds");
            Assert.That(replayed.SupportsImages, Is.True);

            var stored = replayed.List(take: int.MaxValue).Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
            var expected = Enumerable.Range(0, n).Select(CrashImages.Id).ToHashSet(StringComparer.Ordinal);
            Assert.That(expected.Except(stored), Is.Empty, "acknowledged images lost");
            Assert.That(stored.Except(expected), Is.Empty.Or.EquivalentTo(new[] { CrashImages.Id(n) }), "rows nobody wrote (only the in-flight image may be there)");

            for (int i = 0; i < n; i++)
            {
                IReadOnlyList<SearchHit> hits = replayed.SearchByImage(images[i], 3);
                Assert.That(hits[0].Id, Is.EqualTo(CrashImages.Id(i)), $"image {i} should find itself first");
                Assert.That(hits[0].Metadata["n"], Is.EqualTo((long)i), $"image {i} keeps its own metadata");
                Assert.That(hits[0].Score, Is.GreaterThan(hits[1].Score), $"image {i} is not tied with another image");
            }

            Assert.That(embedder.ImageCalls, Is.EqualTo(n), "each query embedded its image once");

            // The checkpoint that folds the replayed log holds no image bytes either.
            replayed.Persist();
        }

        AssertNoImageBytes(folder.Path, images, "after the checkpoint");
    }

    private static void AssertNoImageBytes(string folder, byte[][] images, string when)
    {
        for (int i = 0; i < images.Length; i++)
        {
            Assert.That(images[i], Has.Length.GreaterThan(1024), "the noise makes each PNG large and unique");
            Assert.That(FilesHoldingBytesOf(folder, images[i]), Is.Empty, $"raw bytes of image {i} on disk {when}");
        }
    }
}
