using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;

namespace LodeDb.Tests.Fuzz;

/// <summary>
/// The root pointer's codec (<see cref="CommitRootFile"/>) on its own: published roots parse back
/// field for field, and any other text (mutated bytes, JSON of the right shape with values of the
/// wrong kind or range) fails only with <see cref="CorruptDatabaseException"/>; a text that does
/// parse is a root whose fields agree with each other.
/// </summary>
public sealed class CommitRootFuzzTests
{
    private static readonly Gen<CommitRoot> Roots =
        Gen.Select(Gen.Long[1, long.MaxValue / 2], Gen.Long[0, 1000], Gen.Int[1, 65536], Gen.Bool, Gen.Bool, Gen.Int[0, 2], Gen.Bool,
            (generation, back, dim, twoBits, wal, rescore, storeText) =>
            {
                long baseGeneration = Math.Max(1, generation - back);
                var rescoreKind = (RescoreStorage)rescore;
                var identity = new StoreIdentity
                {
                    Dim = dim,
                    BitWidth = twoBits ? 2 : 4,
                    Seed = (ulong)generation * 31,
                    StorageProfile = StoreIdentity.ProfileFor(twoBits ? 2 : 4, rescoreKind),
                    StoreText = storeText,
                    IndexText = !storeText,
                };
                return new CommitRoot
                {
                    Generation = generation,
                    BaseGeneration = baseGeneration,
                    Identity = identity,
                    CodesFile = GenerationFiles.Codes(baseGeneration),
                    RowsFile = GenerationFiles.Rows(baseGeneration),
                    RescoreFile = rescoreKind == RescoreStorage.None ? "" : GenerationFiles.Rescore(baseGeneration),
                    JournalFile = wal || back == 0 ? "" : GenerationFiles.Journal(baseGeneration),
                    JournalLength = wal || back == 0 ? 0 : back * 100,
                    WalFile = wal ? GenerationFiles.Wal(generation) : "",
                    LiveCount = dim,
                    SlotCount = dim * 2L,
                };
            });

    private static string Text(CommitRoot root) => JsonSerializer.Serialize(root, CommitRootJsonContext.Default.CommitRoot);

    [Test]
    public void PublishedRootsParseBackFieldForField()
    {
        using var folder = new TestFolder();
        Roots.Sample(root =>
        {
            // CsCheck samples on several threads: one folder each.
            string own = Directory.CreateDirectory(Path.Combine(folder.Path, Guid.NewGuid().ToString("N"))).FullName;
            CommitRootFile.Publish(own, root, sync: false);
            CommitRoot read = CommitRootFile.Read(own);
            Assert.That(Text(read), Is.EqualTo(Text(root)));
        }, iter: FuzzRun.Iterations(FuzzRun.DefaultIterations / 2), time: FuzzRun.Seconds);
    }

    [Test]
    public void MutatedRootsFailOnlyWithCorruptDatabaseException()
    {
        Gen<string> inputs = Gen.Select(Roots, ByteMutations.Some, (root, mutations) =>
            Encoding.UTF8.GetString(ByteMutations.Apply(Encoding.UTF8.GetBytes(Text(root)), mutations)));
        FuzzRun.Check(inputs, text => text.Length * 2L, ParseAndCheck, e => e is CorruptDatabaseException);
    }

    /// <summary>A valid root with one field replaced by a value of another kind or range, or removed.</summary>
    private static readonly Gen<JsonNode?> OddValues = Gen.OneOf(
        Gen.Const<JsonNode?>(() => null),
        Gen.Long.Select(v => (JsonNode?)JsonValue.Create(v)),
        Gen.Double.Select(v => (JsonNode?)JsonValue.Create(double.IsFinite(v) ? v : 0.5)),
        Gen.String.Select(v => (JsonNode?)JsonValue.Create(v)),
        Gen.Bool.Select(v => (JsonNode?)JsonValue.Create(v)),
        Gen.Const<JsonNode?>(() => new JsonArray(1, 2)),
        Gen.Const<JsonNode?>(() => new JsonObject()),
        Gen.Const<JsonNode?>(() => JsonValue.Create("1e400")),
        Gen.Const<JsonNode?>(() => JsonValue.Create(ulong.MaxValue)));

    [Test]
    public void FieldsOfTheWrongKindOrRangeFailOnlyWithCorruptDatabaseException()
    {
        Gen<string> inputs = Gen.Select(Roots, Gen.Int[0, 1000], OddValues, Gen.Bool, (root, pick, value, remove) =>
        {
            JsonObject json = JsonNode.Parse(Text(root))!.AsObject();
            // Half the time the change goes into the identity object.
            JsonObject target = pick % 2 == 0 ? json["identity"]!.AsObject() : json;
            string[] names = target.Select(pair => pair.Key).ToArray();
            string name = names[pick / 2 % names.Length];
            if (remove)
            {
                target.Remove(name);
            }
            else
            {
                target[name] = value?.DeepClone();
            }

            return json.ToJsonString();
        });
        FuzzRun.Check(inputs, text => text.Length * 2L, ParseAndCheck, e => e is CorruptDatabaseException);
    }

    [TestCase("storageProfile", true)]
    [TestCase("kind", true)]
    [TestCase("task", true)]
    [TestCase("model", true)]
    [TestCase("codesFile", false)]
    [TestCase("rowsFile", false)]
    [TestCase("rescoreFile", false)]
    [TestCase("journalFile", false)]
    [TestCase("walFile", false)]
    public void ANullStringFieldIsDamageNamingTheRoot(string field, bool inIdentity)
    {
        // Found by the fuzz test above: "storageProfile": null escaped Open as a NullReferenceException.
        using var folder = new TestFolder();
        LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = 4 }).Dispose();
        JsonObject json = JsonNode.Parse(File.ReadAllText(folder.File(LodeDatabase.RootFileName)))!.AsObject();
        (inIdentity ? json["identity"]!.AsObject() : json)[field] = null;
        File.WriteAllText(folder.File(LodeDatabase.RootFileName), json.ToJsonString());
        var error = Assert.Throws<CorruptDatabaseException>(() => LodeDatabase.OpenReadOnly(folder.Path).Dispose());
        Assert.That(error!.Message, Does.Contain(LodeDatabase.RootFileName));
    }

    /// <summary>Parses; a root that parses must name the files of its own generations.</summary>
    private static void ParseAndCheck(string text)
    {
        CommitRoot root = CommitRootFile.Parse(text);
        if (root.Generation < 1 || root.BaseGeneration < 1 || root.BaseGeneration > root.Generation
            || root.CodesFile != GenerationFiles.Codes(root.BaseGeneration) || root.RowsFile != GenerationFiles.Rows(root.BaseGeneration)
            || root.Identity is null || root.Identity.Dim < 1 || root.Identity.BitWidth is not (2 or 4) || root.JournalLength < 0)
        {
            throw new InvalidOperationException($"an inconsistent root parsed: {text}");
        }
    }
}
