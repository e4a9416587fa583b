namespace LodeDb.Tests;

/// <summary>
/// LodeCollection.DeleteSpace against other handles: a create of the same name waits for the
/// delete's rename, a handle waiting for the space's writer lock does not open the deleted space,
/// and the marked folder of a published delete does not open as a plain index.
/// </summary>
public sealed class CollectionDeleteRaceTests
{
    private static readonly LodeDbOptions Small = new() { VectorDim = 4 };

    private static readonly LodeCollectionOptions Patient = new() { LockTimeout = TimeSpan.FromSeconds(30) };

    [Test]
    public void ASpaceCreatedByAnotherHandleBetweenPublishAndRenameSurvivesTheDelete()
    {
        using var root = new TestFolder();
        using var first = LodeCollection.Open(root.Path);
        using var second = LodeCollection.Open(root.Path, Patient);
        first.Space("s", Small).AddVector([1, 0, 0, 0], "old");
        Task? creating = null;
        bool createdBeforeTheRename = false;
        first.AfterDeletePublished = _ =>
        {
            // Another handle (another process, in production) creates "s" anew and writes to it.
            creating = Task.Factory.StartNew(() => second.Space("s", Small).AddVector([0, 1, 0, 0], "new"), TaskCreationOptions.LongRunning);
            createdBeforeTheRename = creating.Wait(TimeSpan.FromSeconds(3));
        };

        Assert.That(first.DeleteSpace("s"), Is.True);
        first.AfterDeletePublished = null;
        Assert.That(createdBeforeTheRename, Is.False, "the create waits for the collection lock, which the delete holds until its rename");
        creating!.GetAwaiter().GetResult();
        second.Dispose(); // releases the new space's writer lock

        using var reopened = LodeCollection.Open(root.Path);
        Assert.That(reopened.Contains("s"), Is.True, "the second handle recorded its new space");
        Assert.That(reopened.Space("s").Get("new"), Is.Not.Null, "an acknowledged write to the new space must survive");
        Assert.That(reopened.Space("s").Get("old"), Is.Null, "the new space does not adopt the deleted rows");
    }

    [Test]
    public void AHandleWaitingForTheSpaceLockDuringADeleteDoesNotOpenTheDeletedSpace()
    {
        using var root = new TestFolder();
        using var first = LodeCollection.Open(root.Path);
        first.Space("s", Small).AddVector([1, 0, 0, 0], "old");
        using var second = LodeCollection.Open(root.Path, Patient);
        Task<LodeDatabase>? opening = null;
        first.BeforeManifestRename = _ =>
        {
            // The marker is written and the space's lock held: "s" is still recorded.
            opening = Task.Factory.StartNew(() => second.Space("s"), TaskCreationOptions.LongRunning);
            Thread.Sleep(1500); // second has read the manifest and waits for the space's writer lock
        };
        bool acknowledged = false;
        Exception? refused = null;
        first.AfterDeletePublished = _ =>
        {
            try
            {
                LodeDatabase space = opening!.GetAwaiter().GetResult();
                space.AddVector([0, 1, 0, 0], "acknowledged");
                acknowledged = true;
            }
            catch (Exception ex)
            {
                refused = ex;
            }
        };

        Assert.That(first.DeleteSpace("s"), Is.True);
        Assert.That(acknowledged, Is.False,
            "a handle opened the deleted space after the delete was published and acknowledged a write that the delete then removed");
        Assert.That(refused, Is.InstanceOf<SpaceNotFoundException>(), "the waiting open fails with a typed error");
        Assert.That(refused!.Message, Does.Contain("deleted by another handle"));
        Assert.That(Directory.Exists(Path.Combine(root.Path, "spaces", "s")), Is.False, "the waiting open created nothing");
    }

    [Test]
    public void AMarkedFolderOfAPublishedDeleteDoesNotOpenAsADatabase()
    {
        using var root = new TestFolder();
        string folder = Path.Combine(root.Path, "spaces", "s");
        using (var collection = LodeCollection.Open(root.Path))
        {
            collection.Space("s", Small).AddVector([1, 0, 0, 0], "old");
            collection.AfterDeletePublished = _ => throw new IOException("simulated crash after the publish");
            Assert.Throws<IOException>(() => collection.DeleteSpace("s"));
            Assert.That(collection.Contains("s"), Is.False, "the delete is committed");
        }

        string marker = Path.Combine(folder, "DELETED");
        Assert.That(File.Exists(marker), Is.True);
        string[] files = Directory.GetFiles(folder).Order(StringComparer.Ordinal).ToArray();
        var refused = Assert.Throws<FolderKindMismatchException>(() =>
        {
            using var deleted = LodeDatabase.Open(folder);
            deleted.AddVector([0, 1, 0, 0], "written-into-a-deleted-space");
        }, "a folder whose delete was published must not open")!;
        Assert.That(refused.Message, Does.Contain(marker));
        Assert.That(refused.Path, Is.EqualTo(folder));
        Assert.Throws<FolderKindMismatchException>(() => LodeDatabase.OpenReadOnly(folder).Dispose(), "nor read-only");
        Assert.That(Directory.GetFiles(folder).Order(StringComparer.Ordinal).ToArray(), Is.EqualTo(files), "the refused opens wrote nothing");
    }

    [Test]
    public void AStaleMarkerOfARecordedSpaceOpensThroughTheCollectionWhichClearsIt()
    {
        using var root = new TestFolder();
        string folder = Path.Combine(root.Path, "spaces", "s");
        using (var collection = LodeCollection.Open(root.Path))
        {
            collection.Space("s", Small).AddVector([1, 0, 0, 0], "a");
        }

        // As a crash between the marker (1) and the publish (2) leaves it: recorded and whole.
        string marker = Path.Combine(folder, "DELETED");
        File.WriteAllText(marker, string.Empty);
        Assert.Throws<FolderKindMismatchException>(() => LodeDatabase.Open(folder).Dispose(), "a plain open cannot tell a stale marker");

        using (var reader = LodeCollection.Open(root.Path, new LodeCollectionOptions { ReadOnly = true }))
        {
            Assert.That(reader.Space("s").Get("a"), Is.Not.Null, "a read-only collection opens its recorded space");
        }

        Assert.That(LodeDatabase.Verify(root.Path).Problems, Is.Empty, "verify loads a recorded space despite a stale marker");
        using (var writer = LodeCollection.Open(root.Path))
        {
            Assert.That(writer.Space("s").Get("a"), Is.Not.Null);
        }

        Assert.That(File.Exists(marker), Is.False, "the writable open, holding the space's lock, removed the stale marker");
        using var plain = LodeDatabase.Open(folder);
        Assert.That(plain.Get("a"), Is.Not.Null);
    }
}
