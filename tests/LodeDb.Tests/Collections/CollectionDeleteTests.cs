namespace LodeDb.Tests;

/// <summary>
/// LodeCollection.DeleteSpace: the record leaves the manifest atomically, then the folder goes;
/// an interruption at each step leaves the whole space or nothing openable, and a new space of
/// the same name never adopts the deleted one's rows.
/// </summary>
public sealed class CollectionDeleteTests
{
    private static readonly LodeDbOptions Small = new() { VectorDim = 4 };

    private static string SpaceFolder(TestFolder root, string name) => Path.Combine(root.Path, "spaces", name);

    private static void AddRows(LodeDatabase space, params string[] ids) =>
        space.AddVectors(ids.Select((_, i) => new float[] { 1, i + 1, 0, 0 }).ToArray(), ids);

    private static string[] SpacesEntries(TestFolder root) =>
        Directory.GetDirectories(Path.Combine(root.Path, "spaces")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    [Test]
    public void DeleteRemovesTheRecordAndTheFolderAndIsIdempotent()
    {
        using var root = new TestFolder();
        using (var collection = LodeCollection.Open(root.Path))
        {
            AddRows(collection.Space("doomed", Small), "a", "b");
            AddRows(collection.Space("kept", Small), "k");
            LodeDatabase open = collection.Space("doomed");

            Assert.That(collection.DeleteSpace("doomed"), Is.True);
            Assert.That(open.IsDisposed, Is.True, "the handle this collection opened is closed");
            Assert.That(collection.Contains("doomed"), Is.False);
            Assert.That(collection.SpaceNames, Is.EqualTo(new[] { "kept" }));
            Assert.That(SpacesEntries(root), Is.EqualTo(new[] { "kept" }), "the folder is gone, no leftover");
            Assert.That(collection.DeleteSpace("doomed"), Is.False, "deleting a missing space is a no-op");
            Assert.Throws<SpaceNotFoundException>(() => collection.Space("doomed"));

            LodeDatabase fresh = collection.Space("doomed", Small);
            Assert.That(fresh.Count(), Is.EqualTo(0), "a new space of the same name starts empty");
            Assert.That(collection.Space("kept").Get("k"), Is.Not.Null);
        }

        using var reopened = LodeCollection.Open(root.Path);
        Assert.That(reopened.SpaceNames, Is.EqualTo(new[] { "doomed", "kept" }));
        Assert.That(reopened.Space("doomed").Count(), Is.EqualTo(0));
    }

    [Test]
    public void DeleteIsRefusedOnAReadOnlyHandleAndWhileAnotherWriterHasTheSpace()
    {
        using var root = new TestFolder();
        using var writer = LodeCollection.Open(root.Path);
        AddRows(writer.Space("busy", Small), "a");
        string manifest = File.ReadAllText(root.File("collection.json"));

        using (var reader = LodeCollection.Open(root.Path, new LodeCollectionOptions { ReadOnly = true }))
        {
            var refused = Assert.Throws<ReadOnlyException>(() => reader.DeleteSpace("busy"))!;
            Assert.That(refused.Message, Does.Contain("busy").And.Contain("read-only"));
        }

        using (var other = LodeCollection.Open(root.Path))
        {
            var busy = Assert.Throws<ConcurrentWriterException>(() => other.DeleteSpace("busy"))!;
            Assert.That(busy.Message, Does.Contain("'busy'").And.Contain("open for writing by another handle"));
        }

        Assert.That(File.ReadAllText(root.File("collection.json")), Is.EqualTo(manifest), "nothing changed");
        Assert.That(File.Exists(Path.Combine(SpaceFolder(root, "busy"), "DELETED")), Is.False, "no marker is left");
        Assert.That(writer.Space("busy").Get("a"), Is.Not.Null, "the space is whole and still open");
    }

    [Test]
    public void AnInterruptionBeforeThePublishLeavesTheWholeSpace()
    {
        using var root = new TestFolder();
        using (var collection = LodeCollection.Open(root.Path))
        {
            AddRows(collection.Space("s", Small), "a", "b");
            collection.BeforeManifestRename = _ =>
            {
                Assert.That(File.Exists(Path.Combine(SpaceFolder(root, "s"), "DELETED")), Is.True, "the marker precedes the publish");
                throw new IOException("injected: disk full");
            };

            Assert.Throws<IOException>(() => collection.DeleteSpace("s"));
            collection.BeforeManifestRename = null;
            Assert.That(collection.Contains("s"), Is.True);
            Assert.That(collection.Space("s").Count(), Is.EqualTo(2), "the space reopens whole");
        }

        // A crash between the marker and the publish leaves a marked, recorded space: still whole.
        File.WriteAllText(Path.Combine(SpaceFolder(root, "s"), "DELETED"), string.Empty);
        using var reopened = LodeCollection.Open(root.Path);
        Assert.That(reopened.Space("s").Count(), Is.EqualTo(2));
        Assert.That(reopened.DeleteSpace("s"), Is.True, "and it can be deleted afterwards");
        Assert.That(SpacesEntries(root), Is.Empty);
    }

    [Test]
    public void AnInterruptionAfterThePublishLeavesNothingOpenableAndNothingAdopted()
    {
        using var root = new TestFolder();
        using (var collection = LodeCollection.Open(root.Path))
        {
            AddRows(collection.Space("s", Small), "a", "b");
            collection.AfterDeletePublished = _ => throw new IOException("injected: process died");
            Assert.Throws<IOException>(() => collection.DeleteSpace("s"));
        }

        // As after a crash at that point: the manifest no longer names the space; its folder is whole and marked.
        Assert.That(File.Exists(Path.Combine(SpaceFolder(root, "s"), "index.commit.json")), Is.True);
        Assert.That(File.Exists(Path.Combine(SpaceFolder(root, "s"), "DELETED")), Is.True);

        // A half-removed leftover of an earlier delete is swept too.
        string leftover = Path.Combine(root.Path, "spaces", ".deleted-old-0123");
        Directory.CreateDirectory(leftover);
        File.WriteAllText(Path.Combine(leftover, "index.rows.bin"), "partial");

        using var reopened = LodeCollection.Open(root.Path);
        Assert.That(reopened.Contains("s"), Is.False);
        Assert.Throws<SpaceNotFoundException>(() => reopened.Space("s"));
        LodeDatabase fresh = reopened.Space("s", Small);
        Assert.That(fresh.Count(), Is.EqualTo(0), "the deleted space's rows are not adopted");
        Assert.That(File.Exists(Path.Combine(SpaceFolder(root, "s"), "DELETED")), Is.False);
        Assert.That(SpacesEntries(root), Is.EqualTo(new[] { "s" }), "leftovers are swept");
    }

    [Test]
    public void ARecordWhoseFolderIsMissingCanBeDeleted()
    {
        using var root = new TestFolder();
        using (var collection = LodeCollection.Open(root.Path))
        {
            collection.Space("gone", Small);
        }

        Directory.Delete(SpaceFolder(root, "gone"), recursive: true);
        using var reopened = LodeCollection.Open(root.Path);
        Assert.Throws<CorruptDatabaseException>(() => reopened.Space("gone"));
        Assert.That(reopened.DeleteSpace("gone"), Is.True, "the dangling record goes");
        Assert.That(reopened.Contains("gone"), Is.False);
    }

    [Test]
    public void AMarkedUnrecordedFolderIsDiscardedByDeleteToo()
    {
        using var root = new TestFolder();
        using (var collection = LodeCollection.Open(root.Path))
        {
            AddRows(collection.Space("s", Small), "a");
            collection.AfterDeletePublished = _ => throw new IOException("injected: process died");
            Assert.Throws<IOException>(() => collection.DeleteSpace("s"));
        }

        using var reopened = LodeCollection.Open(root.Path);
        Assert.That(reopened.DeleteSpace("s"), Is.False, "no recorded space");
        Assert.That(SpacesEntries(root), Is.Empty, "the marked folder is discarded");
        Assert.Throws<ArgumentException>(() => reopened.DeleteSpace("Not A Name"));
    }
}
