using System.Diagnostics;
using System.Text.Json;

namespace LodeDb.Tests;

/// <summary>
/// collection.json: written under the collection's lock by read-merge-write (no lost space when
/// handles create spaces concurrently), replaced atomically, rolled back with its space when the
/// publish fails, and checked on read.
/// </summary>
public sealed class CollectionManifestTests
{
    private static readonly LodeDbOptions Small = new() { VectorDim = 4 };

    private static string SpaceFolder(TestFolder root, string name) => Path.Combine(root.Path, "spaces", name);

    private static string[] RecordedNames(TestFolder root) =>
        JsonDocument.Parse(File.ReadAllText(root.File("collection.json"))).RootElement.GetProperty("spaces")
            .EnumerateArray().Select(space => space.GetProperty("name").GetString()!).ToArray();

    [Test]
    public void HandlesCreatingSpacesConcurrentlyLoseNone()
    {
        using var root = new TestFolder();
        const int Handles = 4;
        const int PerHandle = 6;
        using var start = new Barrier(Handles);
        var collections = Enumerable.Range(0, Handles).Select(_ => LodeCollection.Open(root.Path)).ToArray();
        try
        {
            // Every handle read the (empty) manifest before any space exists: a handle that wrote
            // back what it read instead of re-reading under the lock would drop the others' spaces.
            Assert.That(collections.All(c => c.SpaceNames.Count == 0), Is.True);
            Parallel.For(0, Handles, new ParallelOptions { MaxDegreeOfParallelism = Handles }, h =>
            {
                start.SignalAndWait();
                for (int i = 0; i < PerHandle; i++)
                {
                    collections[h].Space($"h{h}-{i}", Small);
                }
            });
        }
        finally
        {
            foreach (LodeCollection collection in collections)
            {
                collection.Dispose();
            }
        }

        string[] expected = (from h in Enumerable.Range(0, Handles) from i in Enumerable.Range(0, PerHandle) select $"h{h}-{i}").Order(StringComparer.Ordinal).ToArray();
        Assert.That(RecordedNames(root), Is.EqualTo(expected));
        using var reopened = LodeCollection.Open(root.Path);
        Assert.That(reopened.SpaceNames, Is.EqualTo(expected));
        Assert.That(expected.All(name => reopened.Space(name).Dimension == 4), Is.True);
    }

    [Test]
    public void AChildProcessCreatingSpacesAlongsideLosesNone()
    {
        using var root = new TestFolder();
        using var collection = LodeCollection.Open(root.Path);
        using Process child = ChildProcess.Start("spaces", root.Path, "child", "25");
        Task<string> errors = child.StandardError.ReadToEndAsync();
        Assert.That(child.StandardOutput.ReadLine(), Is.EqualTo("ready"), () => errors.Result);
        for (int i = 0; i < 25; i++)
        {
            collection.Space($"parent-{i}", Small);
        }

        Assert.That(child.StandardOutput.ReadLine(), Is.EqualTo("done"), () => errors.Result);
        Assert.That(child.WaitForExit(TimeSpan.FromSeconds(60)), Is.True);
        Assert.That(child.ExitCode, Is.EqualTo(0), errors.Result);

        string[] names = collection.SpaceNames.ToArray();
        Assert.That(names, Has.Length.EqualTo(50));
        Assert.That(names.Count(name => name.StartsWith("child-", StringComparison.Ordinal)), Is.EqualTo(25));
        Assert.That(collection.Space("child-24").Dimension, Is.EqualTo(4), "this handle opens the other process's space from the manifest");
    }

    [Test]
    public void ManifestWritesWaitForTheCollectionLock()
    {
        using var root = new TestFolder();
        using var collection = LodeCollection.Open(root.Path, new LodeCollectionOptions { LockTimeout = TimeSpan.FromMilliseconds(200) });
        using (WriterLock.Acquire(root.Path, TimeSpan.Zero))
        {
            // Another handle (here: the lock itself) is publishing: creating a space waits, then fails cleanly.
            Assert.Throws<ConcurrentWriterException>(() => collection.Space("late", Small));
            Assert.That(Directory.Exists(SpaceFolder(root, "late")), Is.False);
        }

        Assert.That(collection.Space("late", Small).Dimension, Is.EqualTo(4));
        Assert.That(RecordedNames(root), Is.EqualTo(new[] { "late" }));
    }

    [Test]
    public void AFailedPublishRollsTheNewSpaceBackAndTheCollectionStaysUsable()
    {
        using var root = new TestFolder();
        using var collection = LodeCollection.Open(root.Path);
        LodeDatabase kept = collection.Space("kept", Small);
        string before = File.ReadAllText(root.File("collection.json"));
        string? tempSeen = null;
        collection.BeforeManifestRename = temp =>
        {
            if (tempSeen is null)
            {
                Assert.That(File.Exists(Path.Combine(SpaceFolder(root, "doomed"), "index.commit.json")), Is.True, "the index exists before its record is published");
            }

            tempSeen = temp;
            throw new IOException("injected: disk full");
        };

        var error = Assert.Throws<IOException>(() => collection.Space("doomed", Small))!;
        Assert.That(error.Message, Does.Contain("injected"));
        Assert.That(Directory.Exists(SpaceFolder(root, "doomed")), Is.False, "the folder this call created is removed");
        Assert.That(File.ReadAllText(root.File("collection.json")), Is.EqualTo(before), "the published manifest is untouched");
        Assert.That(tempSeen, Is.Not.Null);
        Assert.That(File.Exists(tempSeen!), Is.False, "no temp file is left");
        Assert.That(collection.Contains("doomed"), Is.False);

        // An index folder that existed before the call (left by an interrupted create) is closed
        // (its writer lock released) but not removed.
        using (LodeDatabase.Open(SpaceFolder(root, "orphan"), Small))
        {
        }

        Assert.Throws<IOException>(() => collection.Space("orphan", Small));
        Assert.That(File.Exists(Path.Combine(SpaceFolder(root, "orphan"), "index.commit.json")), Is.True);
        using (var plain = LodeDatabase.Open(SpaceFolder(root, "orphan"), new LodeDbOptions { LockTimeout = TimeSpan.Zero }))
        {
            Assert.That(plain.Dimension, Is.EqualTo(4));
        }

        collection.BeforeManifestRename = null;
        Assert.That(collection.Space("kept"), Is.SameAs(kept));
        Assert.That(collection.Space("doomed", Small).Dimension, Is.EqualTo(4));
        Assert.That(collection.Space("orphan", Small).Dimension, Is.EqualTo(4), "an orphan index with a fitting identity is adopted");
        Assert.That(RecordedNames(root), Is.EqualTo(new[] { "doomed", "kept", "orphan" }));
    }

    [Test]
    public void TheManifestFormatIsPinned()
    {
        using var root = new TestFolder();
        using (var collection = LodeCollection.Open(root.Path))
        {
            Assert.That(File.ReadAllText(root.File("collection.json")).ReplaceLineEndings("\n"), Is.EqualTo("{\n  \"formatVersion\": 1,\n  \"spaces\": []\n}"));
            collection.Space("zeta", new LodeDbOptions { VectorDim = 4, Seed = 7 });
            collection.Space("alpha", TextFixture.Options(storeText: false, indexText: false));
        }

        const string Expected = """
            {
              "formatVersion": 1,
              "spaces": [
                {
                  "name": "alpha",
                  "kind": "custom",
                  "model": "fixture-text-bert",
                  "task": "text",
                  "dimension": 32,
                  "bitWidth": 4,
                  "seed": 5498688734784406065,
                  "storeText": false,
                  "indexText": false
                },
                {
                  "name": "zeta",
                  "kind": "vector",
                  "task": "vector",
                  "dimension": 4,
                  "bitWidth": 4,
                  "seed": 7,
                  "storeText": true,
                  "indexText": true
                }
              ]
            }
            """;
        Assert.That(File.ReadAllText(root.File("collection.json")).ReplaceLineEndings("\n"), Is.EqualTo(Expected.ReplaceLineEndings("\n")));
    }

    [Test]
    public void FsyncCollectionsPublishTheSameManifest()
    {
        using var root = new TestFolder();
        using (var collection = LodeCollection.Open(root.Path, new LodeCollectionOptions { Durability = Durability.Fsync }))
        {
            collection.Space("a", Small);
            collection.Space("b", new LodeDbOptions { VectorDim = 8, BitWidth = 2 });
        }

        Assert.That(RecordedNames(root), Is.EqualTo(new[] { "a", "b" }));
        Assert.That(Directory.GetFiles(root.Path).Select(Path.GetFileName), Is.EquivalentTo(new[] { "collection.json", "LOCK" }), "no temp file is left");
    }

    [Test]
    public void ACorruptManifestIsACorruptionErrorNamingTheFile()
    {
        string[] damaged =
        [
            "{ not json",
            "",
            """{"formatVersion": 1}""",
            """{"spaces": []}""",
            """{"formatVersion": 1, "spaces": [{"name": "a", "kind": "vector", "task": "vector", "dimension": 4, "bitWidth": 4, "seed": 1, "storeText": true}]}""",
            """{"formatVersion": 1, "spaces": [{"name": "a", "kind": "mystery", "task": "vector", "dimension": 4, "bitWidth": 4, "seed": 1, "storeText": true, "indexText": true}]}""",
            """{"formatVersion": 1, "spaces": [{"name": "A/..", "kind": "vector", "task": "vector", "dimension": 4, "bitWidth": 4, "seed": 1, "storeText": true, "indexText": true}]}""",
            """{"formatVersion": 1, "spaces": [{"name": "a", "kind": "vector", "task": "vector", "dimension": 0, "bitWidth": 4, "seed": 1, "storeText": true, "indexText": true}]}""",
            """{"formatVersion": 1, "spaces": [{"name": "a", "kind": "vector", "task": "vector", "dimension": 4, "bitWidth": 3, "seed": 1, "storeText": true, "indexText": true}]}""",
            """{"formatVersion": 1, "spaces": [{"name": "a", "kind": "custom", "task": "text", "dimension": 4, "bitWidth": 4, "seed": 1, "storeText": true, "indexText": true}]}""",
            """{"formatVersion": 1, "spaces": [{"name": "a", "kind": "vector", "task": "vector", "dimension": 4, "bitWidth": 4, "seed": 1, "storeText": true, "indexText": true},""" +
            """{"name": "a", "kind": "vector", "task": "vector", "dimension": 4, "bitWidth": 4, "seed": 1, "storeText": true, "indexText": true}]}""",
        ];
        using var root = new TestFolder();
        LodeCollection.Open(root.Path).Dispose();
        foreach (string text in damaged)
        {
            File.WriteAllText(root.File("collection.json"), text);
            foreach (bool readOnly in new[] { false, true })
            {
                var error = Assert.Throws<CorruptDatabaseException>(() => LodeCollection.Open(root.Path, new LodeCollectionOptions { ReadOnly = readOnly }), text)!;
                Assert.That(error.File, Is.EqualTo(root.File("collection.json")));
                Assert.That(error.Message, Does.Contain("collection.json"));
            }
        }

        File.WriteAllText(root.File("collection.json"), """{"formatVersion": 2, "spaces": []}""");
        var newer = Assert.Throws<LodeDatabaseException>(() => LodeCollection.Open(root.Path))!;
        Assert.That(newer.Message, Does.Contain("format version 2").And.Contain("Upgrade"));
    }

    [Test]
    public void AManifestThatDisagreesWithItsSpacesIsReportedNotRepaired()
    {
        using var root = new TestFolder();
        using (var collection = LodeCollection.Open(root.Path))
        {
            collection.Space("a", Small);
            collection.Space("b", Small);
        }

        // The folder of a recorded space is gone: opening it must not create a fresh empty index.
        Directory.Delete(SpaceFolder(root, "a"), recursive: true);
        // The record of b says 2 bits; its index holds 4.
        string text = File.ReadAllText(root.File("collection.json"));
        int b = text.IndexOf("\"name\": \"b\"", StringComparison.Ordinal);
        File.WriteAllText(root.File("collection.json"), text[..b] + text[b..].Replace("\"bitWidth\": 4", "\"bitWidth\": 2", StringComparison.Ordinal));

        using var reopened = LodeCollection.Open(root.Path);
        var gone = Assert.Throws<CorruptDatabaseException>(() => reopened.Space("a"))!;
        Assert.That((gone.File, gone.Message.Contains("'a'", StringComparison.Ordinal)), Is.EqualTo((root.File("collection.json"), true)));
        Assert.That(Directory.Exists(SpaceFolder(root, "a")), Is.False);
        var differs = Assert.Throws<CorruptDatabaseException>(() => reopened.Space("b"))!;
        Assert.That(differs.Message, Does.Contain("BitWidth = 2").And.Contain("BitWidth = 4"));
        using var plain = LodeDatabase.Open(SpaceFolder(root, "b"), new LodeDbOptions { LockTimeout = TimeSpan.Zero });
        Assert.That(plain.BitWidth, Is.EqualTo(4), "the refused space was closed again");
    }
}
