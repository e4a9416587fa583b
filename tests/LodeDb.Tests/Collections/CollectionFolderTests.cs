namespace LodeDb.Tests;

/// <summary>A collection root and an index folder are never opened as each other.</summary>
public sealed class CollectionFolderTests
{
    [Test]
    public void ACollectionRootIsNotOpenedAsAnIndex()
    {
        using var root = new TestFolder();
        LodeCollection.Open(root.Path).Dispose();
        string manifest = File.ReadAllText(root.File("collection.json"));
        string[] files = Directory.GetFiles(root.Path);

        // Right after Open, before any space: the root is already recognisable as a collection.
        foreach (LodeDbOptions options in new[] { new LodeDbOptions { VectorDim = 4 }, new LodeDbOptions(), new LodeDbOptions { ReadOnly = true } })
        {
            var error = Assert.Throws<FolderKindMismatchException>(() => LodeDatabase.Open(root.Path, options))!;
            Assert.That(error.Message, Does.Contain("collection").And.Contain("LodeCollection.Open"));
            Assert.That(error.Path, Is.EqualTo(root.Path));
        }

        Assert.That(Directory.GetFiles(root.Path), Is.EquivalentTo(files), "nothing was written to the root");
        Assert.That(File.ReadAllText(root.File("collection.json")), Is.EqualTo(manifest));
    }

    [Test]
    public void AnIndexFolderIsNotOpenedAsACollection()
    {
        using var folder = new TestFolder();
        using (LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = 4 }))
        {
        }

        foreach (bool readOnly in new[] { false, true })
        {
            var error = Assert.Throws<FolderKindMismatchException>(() => LodeCollection.Open(folder.Path, new LodeCollectionOptions { ReadOnly = readOnly }))!;
            Assert.That(error.Message, Does.Contain("index").And.Contain("LodeDatabase.Open"));
        }

        Assert.That(File.Exists(folder.File("collection.json")), Is.False);
        using var database = LodeDatabase.Open(folder.Path);
        Assert.That(database.Dimension, Is.EqualTo(4), "the index still opens");

        File.WriteAllText(folder.File("plain-file"), "x");
        Assert.Throws<ArgumentException>(() => LodeCollection.Open(folder.File("plain-file")));
    }
}
