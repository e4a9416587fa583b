namespace LodeDb.Tests;

/// <summary>
/// A collection root whose collection.json is gone while spaces/ still holds space folders is
/// damage: opening it must fail naming the file, not start a silently empty collection over the
/// old spaces (which a writable open would also record as a fresh, empty manifest).
/// </summary>
public sealed class CollectionMissingManifestTests
{
    [Test]
    public void AMissingManifestBesideSpaceFoldersIsACorruptionErrorNamingTheFile()
    {
        using var root = new TestFolder();
        using (var collection = LodeCollection.Open(root.Path))
        {
            collection.Space("a", new LodeDbOptions { VectorDim = 4 }).AddVectors([[1f, 0f, 0f, 0f]], ["x"]);
        }

        File.Delete(root.File("collection.json"));
        foreach (bool readOnly in new[] { false, true })
        {
            var error = Assert.Throws<CorruptDatabaseException>(() => LodeCollection.Open(root.Path, new LodeCollectionOptions { ReadOnly = readOnly }).Dispose())!;
            Assert.That(error.File, Is.EqualTo(root.File("collection.json")));
            Assert.That(error.Message, Does.Contain("spaces"));
        }

        Assert.That(File.Exists(root.File("collection.json")), Is.False, "a failed open writes nothing");
    }
}
