using System.Text.Json;
using LodeDb.Embeddings.Onnx;

namespace LodeDb.Tests;

/// <summary>
/// LodeCollection's spaces: each its own index under <c>spaces/&lt;name&gt;</c> with its own
/// identity, recorded in collection.json and reopened from it. Vector spaces and custom-embedder
/// spaces on the fixture model (tests/fixtures/text-bert, 32-d); presets through the test-only
/// PresetOverride on the fixture's files (no downloaded model).
/// </summary>
[NonParallelizable] // sets process environment variables
public sealed class CollectionSpaceTests
{
    private const int FixtureDim = 32;

    private static string SpaceFolder(TestFolder root, string name) => Path.Combine(root.Path, "spaces", name);

    private static JsonElement ManifestSpace(TestFolder root, string name) =>
        JsonDocument.Parse(File.ReadAllText(root.File("collection.json"))).RootElement.GetProperty("spaces")
            .EnumerateArray().Single(space => space.GetProperty("name").GetString() == name);

    [Test]
    public void EachSpaceIsItsOwnIndexWithItsOwnIdentity()
    {
        using var root = new TestFolder();
        var random = new Random(1);
        float[] v8 = Vectors.Random(random, 8);
        using (var collection = LodeCollection.Open(root.Path))
        {
            LodeDatabase vectors = collection.Space("images", new LodeDbOptions { VectorDim = 8, BitWidth = 2 });
            LodeDatabase notes = collection.Space("notes", TextFixture.Options(storeText: false, indexText: true));
            vectors.AddVector(v8, "v1");
            notes.Add("The mechanic fixed the brakes of the car.", "n1");

            Assert.That((vectors.Dimension, vectors.BitWidth), Is.EqualTo((8, 2)));
            Assert.That((notes.Dimension, notes.BitWidth), Is.EqualTo((FixtureDim, 4)));
            Assert.That(vectors.Path, Is.EqualTo(SpaceFolder(root, "images")));
            Assert.That(File.Exists(Path.Combine(SpaceFolder(root, "notes"), "index.commit.json")), Is.True);
            Assert.That(notes.Search("car repair", 1)[0].Id, Is.EqualTo("n1"));
            Assert.That(vectors.SearchByVector(v8, 5).Select(hit => hit.Id), Is.EqualTo(new[] { "v1" }), "each space holds only its own rows");
            Assert.That(collection.SpaceNames, Is.EqualTo(new[] { "images", "notes" }));
        }

        Assert.That(File.Exists(root.File("index.commit.json")), Is.False, "the root itself holds no index");
    }

    [Test]
    public void TheManifestRecordsEachSpacesIdentity()
    {
        using var root = new TestFolder();
        using var collection = LodeCollection.Open(root.Path);
        collection.Space("plain", new LodeDbOptions { VectorDim = 16 });
        collection.Space("coarse", new LodeDbOptions { VectorDim = 8, BitWidth = 2, Seed = 7 });
        collection.Space("notes", TextFixture.Options(storeText: false, indexText: true));

        Assert.That(collection.Describe("plain"), Is.EqualTo(new LodeSpaceInfo
        {
            Name = "plain",
            Kind = LodeSpaceKind.Vector,
            Model = null,
            Task = "vector",
            Dimension = 16,
            BitWidth = 4,
            Seed = LodeDatabase.DefaultSeed,
            StoreText = true,
            IndexText = true,
        }), "the effective bit width (default 4) and seed are recorded, not the unset options");
        Assert.That(collection.Describe("coarse"), Is.EqualTo(collection.Describe("plain") with { Name = "coarse", Dimension = 8, BitWidth = 2, Seed = 7 }));
        Assert.That(collection.Describe("notes"), Is.EqualTo(new LodeSpaceInfo
        {
            Name = "notes",
            Kind = LodeSpaceKind.Custom,
            Model = TextFixture.ModelName,
            Task = "text",
            Dimension = FixtureDim,
            BitWidth = 4,
            Seed = LodeDatabase.DefaultSeed,
            StoreText = false,
            IndexText = true,
        }));
        Assert.That(collection.Spaces.Select(space => space.Name), Is.EqualTo(new[] { "coarse", "notes", "plain" }));

        // The file itself (what another process or version reads).
        JsonElement notes = ManifestSpace(root, "notes");
        Assert.That(JsonDocument.Parse(File.ReadAllText(root.File("collection.json"))).RootElement.GetProperty("formatVersion").GetInt32(), Is.EqualTo(1));
        Assert.That(notes.GetProperty("kind").GetString(), Is.EqualTo("custom"));
        Assert.That(notes.GetProperty("model").GetString(), Is.EqualTo(TextFixture.ModelName));
        Assert.That(notes.GetProperty("task").GetString(), Is.EqualTo("text"));
        Assert.That(notes.GetProperty("dimension").GetInt32(), Is.EqualTo(FixtureDim));
        Assert.That(notes.GetProperty("bitWidth").GetInt32(), Is.EqualTo(4));
        Assert.That((notes.GetProperty("storeText").GetBoolean(), notes.GetProperty("indexText").GetBoolean()), Is.EqualTo((false, true)));
        JsonElement coarse = ManifestSpace(root, "coarse");
        Assert.That((coarse.GetProperty("kind").GetString(), coarse.GetProperty("seed").GetUInt64()), Is.EqualTo(("vector", 7UL)));
        Assert.That(coarse.TryGetProperty("model", out _), Is.False, "a vector space has no model");
    }

    [Test]
    public void SpacesReopenFromTheManifestWithoutOptions()
    {
        using var root = new TestFolder();
        var random = new Random(2);
        float[] v = Vectors.Random(random, 8);
        using (var collection = LodeCollection.Open(root.Path))
        {
            collection.Space("images", new LodeDbOptions { VectorDim = 8, BitWidth = 2, Seed = 11 }).AddVector(v, "v1");
            collection.Space("notes", TextFixture.Options()).Add("Bread is baked in an oven.", "n1");
        }

        using (var collection = LodeCollection.Open(root.Path))
        {
            LodeDatabase images = collection.Space("images");
            Assert.That((images.Dimension, images.BitWidth, images.Seed), Is.EqualTo((8, 2, 11UL)));
            Assert.That(images.SearchByVector(v, 1)[0].Id, Is.EqualTo("v1"));

            var missing = Assert.Throws<LodeDatabaseException>(() => collection.Space("notes"))!;
            Assert.That(missing.Message, Does.Contain("'notes'").And.Contain("Embedder").And.Contain(TextFixture.ModelName));

            var other = Assert.Throws<SpaceMismatchException>(() => collection.Space("notes", new LodeDbOptions { Embedder = TextFixture.Embedder.Value, ModelName = "another-model" }))!;
            Assert.That((other.Space, other.Field, other.RecordedValue, other.RequestedValue), Is.EqualTo(("notes", "ModelName", TextFixture.ModelName, "another-model")));

            LodeDatabase notes = collection.Space("notes", new LodeDbOptions { Embedder = TextFixture.Embedder.Value, ModelName = TextFixture.ModelName });
            Assert.That(notes.GetText("n1"), Is.EqualTo("Bread is baked in an oven."));
        }
    }

    [Test]
    public void PresetSpacesPassTheModelThroughAndReopenWithTheRecordedPreset()
    {
        using var models = new TestFolder();
        string target = Path.Combine(models.Path, "minilm");
        Directory.CreateDirectory(Path.Combine(target, "onnx"));
        foreach (string file in new[] { "onnx/model.onnx", "vocab.txt", "tokenizer_config.json" })
        {
            File.Copy(Path.Combine(TextFixture.Embedder.Value.ModelDirectory, file), Path.Combine(target, file));
        }

        TextModelPreset variant = TextModelPresets.Get("minilm") with { Dimension = FixtureDim };
        using var root = new TestFolder();
        using (var collection = LodeCollection.Open(root.Path))
        {
            collection.Space("docs", new LodeDbOptions { Model = "minilm", ModelDirectory = models.Path, PresetOverride = variant }).Add("Tea is brewed from leaves.", "d1");
            Assert.That(collection.Describe("docs"), Is.EqualTo(new LodeSpaceInfo
            {
                Name = "docs",
                Kind = LodeSpaceKind.Preset,
                Model = "minilm",
                Task = "text",
                Dimension = FixtureDim,
                BitWidth = 4,
                Seed = LodeDatabase.DefaultSeed,
                StoreText = true,
                IndexText = true,
            }));
        }

        using (var collection = LodeCollection.Open(root.Path))
        {
            // No Model: the recorded preset is loaded (with this test's model folder).
            LodeDatabase docs = collection.Space("docs", new LodeDbOptions { ModelDirectory = models.Path, PresetOverride = variant });
            Assert.That(docs.Search("tea leaves", 1)[0].Id, Is.EqualTo("d1"));
            var kind = Assert.Throws<SpaceMismatchException>(() => collection.Space("docs", new LodeDbOptions { Model = "bge" }))!;
            Assert.That((kind.Field, kind.RecordedValue, kind.RequestedValue), Is.EqualTo(("Model", "minilm", "bge")));
        }

        using (var collection = LodeCollection.Open(root.Path))
        {
            using var empty = new TestFolder();
            Assert.Throws<ModelNotFoundException>(() => collection.Space("more", new LodeDbOptions { Model = "bge", ModelDirectory = empty.Path }));
            Assert.That(Directory.Exists(SpaceFolder(root, "more")), Is.False, "a missing model creates nothing");
            Assert.That(collection.Contains("more"), Is.False);
        }
    }

    [Test]
    public void AConflictingOptionNamesTheSpaceTheFieldAndBothValues()
    {
        using var root = new TestFolder();
        using (var setup = LodeCollection.Open(root.Path))
        {
            setup.Space("vec", new LodeDbOptions { VectorDim = 8, BitWidth = 2 });
            setup.Space("txt", TextFixture.Options(storeText: false, indexText: true));
        }

        (string Space, LodeDbOptions Options, string Field, string Recorded, string Requested)[] cases =
        [
            ("vec", new LodeDbOptions { VectorDim = 9 }, "VectorDim", "8", "9"),
            ("vec", new LodeDbOptions { BitWidth = 4 }, "BitWidth", "2", "4"),
            ("vec", new LodeDbOptions { Seed = 5 }, "Seed", LodeDatabase.DefaultSeed.ToString(System.Globalization.CultureInfo.InvariantCulture), "5"),
            ("vec", new LodeDbOptions { StoreText = false }, "StoreText", "true", "false"),
            ("vec", new LodeDbOptions { IndexText = false }, "IndexText", "true", "false"),
            ("vec", new LodeDbOptions { Model = "minilm" }, "Kind", "vector", "preset"),
            ("vec", TextFixture.Options(), "Kind", "vector", "custom"),
            ("txt", new LodeDbOptions { VectorDim = FixtureDim }, "Kind", "custom", "vector"),
            ("txt", TextFixture.Options(storeText: true), "StoreText", "false", "true"),
            ("txt", TextFixture.Options(storeText: false, indexText: false), "IndexText", "true", "false"),
        ];

        // Once on a fresh handle (the space is not open yet), once on a handle that has it open.
        foreach (bool alreadyOpen in new[] { false, true })
        {
            using var collection = LodeCollection.Open(root.Path);
            if (alreadyOpen)
            {
                collection.Space("vec");
                collection.Space("txt", TextFixture.Options());
            }

            foreach (var c in cases)
            {
                var error = Assert.Throws<SpaceMismatchException>(() => collection.Space(c.Space, c.Options), $"{c.Space} {c.Field} (open: {alreadyOpen})")!;
                Assert.That((error.Space, error.Field, error.RecordedValue, error.RequestedValue), Is.EqualTo((c.Space, c.Field, c.Recorded, c.Requested)));
                Assert.That(error.Message, Does.Contain($"'{c.Space}'").And.Contain(c.Field));
            }

            Assert.That(collection.Space("vec", new LodeDbOptions { VectorDim = 8, BitWidth = 2 }).Dimension, Is.EqualTo(8), "matching options are accepted");
        }

        using var check = LodeCollection.Open(root.Path);
        Assert.That(check.Describe("vec").Dimension, Is.EqualTo(8), "a rejected open records nothing");
    }

    [Test]
    public void OneHandleReturnsTheSameOpenDatabaseAndDisposeClosesEverySpace()
    {
        using var root = new TestFolder();
        var random = new Random(3);
        LodeDatabase first;
        LodeDatabase other;
        using (var collection = LodeCollection.Open(root.Path))
        {
            first = collection.Space("a", new LodeDbOptions { VectorDim = 4 });
            other = collection.Space("b", new LodeDbOptions { VectorDim = 4 });
            Assert.That(collection.Space("a"), Is.SameAs(first));
            Assert.That(collection.Space("a", new LodeDbOptions { VectorDim = 4 }), Is.SameAs(first));
            first.AddVector(Vectors.Random(random, 4), "x");

            // A space its caller disposed is opened again, not handed out disposed.
            other.Dispose();
            LodeDatabase reopened = collection.Space("b");
            Assert.That(reopened, Is.Not.SameAs(other));
            reopened.AddVector(Vectors.Random(random, 4), "y");
        }

        Assert.Throws<ObjectDisposedException>(() => first.Count());
        foreach (string name in new[] { "a", "b" })
        {
            // The writer locks are released: a plain writer opens the folder at once.
            using var database = LodeDatabase.Open(SpaceFolder(root, name), new LodeDbOptions { LockTimeout = TimeSpan.Zero });
            Assert.That(database.Count(), Is.EqualTo(1));
        }

        var closed = LodeCollection.Open(root.Path);
        closed.Dispose();
        Assert.Throws<ObjectDisposedException>(() => closed.Space("a"));
    }

    [Test]
    public void SpaceNamesMustBeSafeFolderNames()
    {
        using var root = new TestFolder();
        using var collection = LodeCollection.Open(root.Path);
        var options = new LodeDbOptions { VectorDim = 4 };
        foreach (string bad in new[] { "", "A", "Docs", "../x", "a/b", "a\\b", ".x", "-a", "_a", "a.b", "a b", "é", new string('a', 65), "con", "nul", "com1", "lpt9" })
        {
            var error = Assert.Throws<ArgumentException>(() => collection.Space(bad, options), bad)!;
            Assert.That(error.Message, Does.Contain("space name"));
        }

        Assert.Throws<ArgumentNullException>(() => collection.Space(null!, options));
        foreach (string good in new[] { "a", "0", "a_b-c", "com", "com10", new string('z', 64) })
        {
            Assert.That(collection.Space(good, options).Path, Is.EqualTo(SpaceFolder(root, good)));
        }

        Assert.That(Directory.GetDirectories(Path.Combine(root.Path, "spaces")).Length, Is.EqualTo(6), "no invalid name created a folder");
    }

    [Test]
    public void UnknownSpacesAreReportedAndNeedIdentityOptionsToBeCreated()
    {
        using var root = new TestFolder();
        using var collection = LodeCollection.Open(root.Path);
        collection.Space("one", new LodeDbOptions { VectorDim = 4 });
        Assert.That(collection.Contains("one"), Is.True);
        Assert.That(collection.Contains("two"), Is.False);
        var unknown = Assert.Throws<SpaceNotFoundException>(() => collection.Describe("two"))!;
        Assert.That((unknown.Space, unknown.Message.Contains("one", StringComparison.Ordinal)), Is.EqualTo(("two", true)));

        var create = Assert.Throws<SpaceNotFoundException>(() => collection.Space("two"))!;
        Assert.That(create.Message, Does.Contain("VectorDim"));
        Assert.Throws<SpaceNotFoundException>(() => collection.Space("two", new LodeDbOptions { BitWidth = 2 }));
        Assert.That(Directory.Exists(SpaceFolder(root, "two")), Is.False);
        Assert.That(collection.SpaceNames, Is.EqualTo(new[] { "one" }));
    }

    [Test]
    public void AReadOnlyCollectionOpensSpacesReadOnlyAndCreatesNothing()
    {
        using var root = new TestFolder();
        Assert.Throws<CollectionNotFoundException>(() => LodeCollection.Open(root.Path, new LodeCollectionOptions { ReadOnly = true }));
        Assert.That(Directory.Exists(root.Path), Is.False);

        var random = new Random(4);
        using var writer = LodeCollection.Open(root.Path);
        writer.Space("live", new LodeDbOptions { VectorDim = 4 }).AddVector(Vectors.Random(random, 4), "a");

        // Alongside the open writer, as LodeDatabase.OpenReadOnly is.
        using var reader = LodeCollection.Open(root.Path, new LodeCollectionOptions { ReadOnly = true });
        LodeDatabase live = reader.Space("live");
        Assert.That((live.IsReadOnly, live.Count()), Is.EqualTo((true, 1L)));
        Assert.Throws<ReadOnlyException>(() => live.AddVector(Vectors.Random(random, 4)));
        Assert.Throws<SpaceNotFoundException>(() => reader.Space("fresh", new LodeDbOptions { VectorDim = 4 }));
        Assert.Throws<SpaceNotFoundException>(() => writer.Space("fresh", new LodeDbOptions { VectorDim = 4, ReadOnly = true }));
        Assert.That(Directory.Exists(SpaceFolder(root, "fresh")), Is.False);
    }

    [Test]
    public void SpacesTakeTheCollectionsDurabilityUnlessTheyChooseTheirOwn()
    {
        using var root = new TestFolder();
        using (var fast = LodeCollection.Open(root.Path, new LodeCollectionOptions { Durability = Durability.Fast }))
        {
            Assert.That(fast.Space("a", new LodeDbOptions { VectorDim = 4 }).Durability, Is.EqualTo(Durability.Fast));
        }

        using var collection = LodeCollection.Open(root.Path, new LodeCollectionOptions { Durability = Durability.Fsync });
        Assert.That(collection.Durability, Is.EqualTo(Durability.Fsync));
        Assert.That(collection.Space("a").Durability, Is.EqualTo(Durability.Fsync));
        Assert.That(collection.Space("b", new LodeDbOptions { VectorDim = 4 }).Durability, Is.EqualTo(Durability.Fsync));
        Assert.That(collection.Space("c", new LodeDbOptions { VectorDim = 4, Durability = Durability.Fast }).Durability, Is.EqualTo(Durability.Fast));
        Assert.That(collection.SpaceNames, Is.EqualTo(new[] { "a", "b", "c" }));
    }

    [Test]
    public void TheCollectionsDurabilityDefaultsToTheEnvironmentLikeADatabases()
    {
        using var root = new TestFolder();
        try
        {
            Environment.SetEnvironmentVariable("LODEDB_DURABILITY", "fsync");
            using (var collection = LodeCollection.Open(root.Path))
            {
                Assert.That(collection.Durability, Is.EqualTo(Durability.Fsync));
                Assert.That(collection.Space("a", new LodeDbOptions { VectorDim = 4 }).Durability, Is.EqualTo(Durability.Fsync));
            }

            using (var collection = LodeCollection.Open(root.Path, new LodeCollectionOptions { Durability = Durability.Fast }))
            {
                Assert.That(collection.Space("a").Durability, Is.EqualTo(Durability.Fast), "an option beats the environment");
            }
        }
        finally
        {
            Environment.SetEnvironmentVariable("LODEDB_DURABILITY", null);
        }

        using var plain = LodeCollection.Open(root.Path);
        Assert.That(plain.Durability, Is.EqualTo(Durability.Fast));
    }

    [Test]
    public void EveryLodeDbOptionsPropertyIsCarriedIntoASpace()
    {
        // SpaceOptions derives a space's options with `with`: every property the caller set must
        // reach the space unchanged (a property added later included, public or internal), except
        // the handle defaults the collection fills in and the identity it completes from the record.
        using var root = new TestFolder();
        using var collection = LodeCollection.Open(root.Path, new LodeCollectionOptions { Durability = Durability.Fsync, LockTimeout = TimeSpan.FromSeconds(7) });
        // Not a valid combination to open (For validates nothing): every property holds a non-default value.
        var given = new LodeDbOptions
        {
            VectorDim = 24,
            Model = "minilm",
            ModelDirectory = "/models",
            Embedder = new ColourLayoutEmbedder(),
            ModelName = "colour-layout",
            MaxChunkChars = 123,
            StoreText = false,
            IndexText = true,
            BitWidth = 2,
            Seed = 42,
            CommitMode = CommitMode.Generation,
            CheckpointEveryRecords = 17,
            CheckpointEveryBytes = 12345,
            ImageBatchSize = 3,
            ImageBatchMaxDecodedBytes = 999,
            Rescore = RescoreStorage.Int8,
            RescoreCandidates = 55,
            SearchThreads = 2,
        };

        LodeDbOptions space = SpaceOptions.For(collection, given, recorded: null);

        var filled = new Dictionary<string, object?>
        {
            [nameof(LodeDbOptions.Durability)] = Durability.Fsync,
            [nameof(LodeDbOptions.LockTimeout)] = TimeSpan.FromSeconds(7),
        };
        var properties = typeof(LodeDbOptions).GetProperties(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic)
            .Where(property => property.GetIndexParameters().Length == 0 && property.Name != "EqualityContract")
            .ToArray();
        Assert.That(properties, Has.Length.GreaterThanOrEqualTo(22));
        foreach (var property in properties)
        {
            object? expected = filled.TryGetValue(property.Name, out object? value) ? value : property.GetValue(given);
            Assert.That(property.GetValue(space), Is.EqualTo(expected), property.Name);
        }

        // The caller's own values win over the collection's defaults.
        LodeDbOptions own = SpaceOptions.For(collection, given with { Durability = Durability.Fast, LockTimeout = TimeSpan.FromSeconds(1), ReadOnly = true }, recorded: null);
        Assert.That((own.Durability, own.LockTimeout, own.ReadOnly), Is.EqualTo((Durability.Fast, TimeSpan.FromSeconds(1), true)));
    }
}
