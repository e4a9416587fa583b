using static LodeDb.Tests.Images.ImageTestSupport;

namespace LodeDb.Tests.Images;

/// <summary>Image rows go through the same log and generations as vector rows: a crash copy and a reopen keep them.</summary>
public sealed class ImageDurabilityTests
{
    [TestCase(CommitMode.Wal)]
    [TestCase(CommitMode.Generation)]
    public void ACrashCopyReplaysEveryAcknowledgedImageWithoutReembedding(CommitMode mode)
    {
        using var folder = new TestFolder();
        var embedder = new ColourLayoutEmbedder();
        using var writer = LodeDatabase.Open(folder.Path, Options(embedder, mode: mode));
        writer.Add("a long note about zebracode", "x");
        writer.AddImage(Red, "red", new Dictionary<string, object?> { ["n"] = 1 }, text: "ruby");
        writer.AddImages([ImageItem.FromBytes(Green, "green"), ImageItem.FromBytes(Blue, "blue")]);
        writer.AddImage(Yellow, "x", text: "replaced"); // a text document replaced by an image
        writer.Remove("green");
        IReadOnlyList<SearchHit> expected = writer.SearchByImage(Red, 5);

        using TestFolder crash = folder.CrashCopy();
        Assert.That(Directory.GetFiles(crash.Path).Select(Path.GetFileName),
            Has.Some.Match(mode == CommitMode.Wal ? @"index\.g\d+\.wal" : @"index\.g1\.journal"), "the writes were still in the log");

        var replayEmbedder = new ColourLayoutEmbedder();
        using var replayed = LodeDatabase.Open(crash.Path, Options(replayEmbedder, mode: mode));
        Assert.That(replayEmbedder.ImageCalls + replayEmbedder.TextCalls, Is.Zero, "replay never re-embeds");
        Assert.That(replayed.Count(), Is.EqualTo(3));
        Assert.That(replayed.Contains("green"), Is.False);
        Assert.That(replayed.Get("red")!.Metadata["n"], Is.EqualTo(1L));
        Assert.That(replayed.GetText("x"), Is.EqualTo("replaced"));
        Assert.That(replayed.Search("zebracode", 3, SearchMode.Lexical), Is.Empty);
        Assert.That(replayed.Search("ruby", 3, SearchMode.Lexical).Select(h => h.Id), Is.EqualTo(new[] { "red" }));
        IReadOnlyList<SearchHit> actual = replayed.SearchByImage(Red, 5);
        Assert.That(actual.Select(h => (h.Id, h.Score)), Is.EqualTo(expected.Select(h => (h.Id, h.Score))), "the same rows, ranked the same");
    }
}
