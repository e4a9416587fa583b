using System.Text;
using LodeDb.Embeddings.Onnx;

namespace LodeDb.RealModels.Tests;

/// <summary>
/// The StoreText = false and crash-replay tests of tests/LodeDb.Tests, once more with the real
/// all-MiniLM-L6-v2 (imported minilm preset): no raw text in any file, replay gives the same
/// rankings, lexical and hybrid still answer from the persisted terms.
/// </summary>
public sealed class RealModelPrivacyTests
{
    private static readonly string[] Secrets =
    [
        "Patient record E1234 was sent to the cardiology ward on Tuesday.",
        "Invoice ABC-123 covers the mortgage payment for the lake house.",
        "The surprise party for Dana is planned for 2024-01-15 at the bowling alley.",
        "Our mechanic replaced the timing belt on the old pickup truck.",
    ];

    private static readonly string[] Ids = ["medical", "money", "party", "truck"];

    [Test]
    public void StoreTextFalseKeepsNoRawTextAndACrashCopyReopensWithTheSameRankings()
    {
        using var folder = new TestFolder();
        var options = new LodeDbOptions { Model = RealModels.MiniLm, ModelDirectory = ImportedMiniLm.Root, StoreText = false, IndexText = true };
        using var db = LodeDatabase.Open(folder.Path, options);
        db.AddMany(Secrets, Ids);
        db.Add("A placeholder note about gardening tools.", "gone");
        db.Remove("gone");
        string[] queries = ["heart hospital patient", "E1234", "home loan bill", "ABC-123", "vehicle repair", "celebration with bowling"];
        var before = queries.SelectMany(q => Enum.GetValues<SearchMode>().Select(m => Signature(db, q, m))).ToArray();
        Assert.That(db.Search("heart hospital patient", 1)[0].Id, Is.EqualTo("medical"), "meaning, no shared word");
        Assert.That(db.Search("vehicle repair", 1)[0].Id, Is.EqualTo("truck"));

        using TestFolder crashed = folder.CrashCopy();
        AssertNoRawText(crashed.Path);
        using (var reopened = LodeDatabase.Open(crashed.Path, new LodeDbOptions { ModelDirectory = ImportedMiniLm.Root }))
        {
            Assert.That(reopened.StoresText, Is.False);
            var after = queries.SelectMany(q => Enum.GetValues<SearchMode>().Select(m => Signature(reopened, q, m))).ToArray();
            Assert.That(after, Is.EqualTo(before), "replay restores the same vectors, terms and rankings");
            Assert.That(reopened.Search("E1234", 1, SearchMode.Lexical)[0].Id, Is.EqualTo("medical"));
            Assert.That(reopened.Search("ABC-123", 1, SearchMode.Hybrid)[0].Id, Is.EqualTo("money"));
            Assert.That(reopened.Search("gardening tools", 3, SearchMode.Lexical), Is.Empty, "the removed note's terms are gone");
            reopened.Persist();
        }

        AssertNoRawText(crashed.Path);
    }

    [Test]
    public void AKilledPrivateWriterWithTheRealModelReplaysEveryAcknowledgedWrite()
    {
        using var folder = new TestFolder();
        string model = Path.Combine(ImportedMiniLm.Root, RealModels.MiniLm);
        List<string> lines = ChildProcess.KillAfterAcknowledgements(12, "text", folder.Path, model, "false", "true", CommitMode.Wal.ToString());
        List<string> acknowledged = lines.Where(l => l.EndsWith(" .", StringComparison.Ordinal)).ToList();
        Assert.That(acknowledged, Has.Count.GreaterThanOrEqualTo(12));
        for (int i = 0; i < acknowledged.Count; i++)
        {
            var (kind, ids) = CrashTexts.Op(i);
            Assert.That(acknowledged[i], Is.EqualTo($"{kind} {string.Join(',', ids)} ."));
        }

        foreach (string text in Enumerable.Range(0, acknowledged.Count + 2).SelectMany(CrashTexts.TextsOf))
        {
            Assert.That(FilesContaining(folder.Path, text), Is.Empty, $"raw text on disk after the kill: {text}");
        }

        using var embedder = new OnnxTextEmbedder(model);
        using var replayed = LodeDatabase.Open(folder.Path, new LodeDbOptions { Embedder = embedder, ModelName = CrashTexts.ModelName });
        string[] queries = ["automobile repair", "puppy vet", "E1004", "R5010 revision", "physician"];
        string[] actual = Signature(replayed, queries);
        string[] without = Reference(embedder, acknowledged.Count, queries);
        string[] with = Reference(embedder, acknowledged.Count + 1, queries);
        Assert.That(actual, Is.EqualTo(without).Or.EqualTo(with), "every acknowledged write, nothing half-applied, the same rankings");
        Assert.That(replayed.Search("E1000", 1, SearchMode.Lexical)[0].Id, Is.EqualTo("t0"));
        Assert.That(replayed.Search("R5010", 1, SearchMode.Hybrid)[0].Id, Is.EqualTo("t4"), "op 10 replaced t4");
    }

    private static string[] Reference(OnnxTextEmbedder embedder, int operations, string[] queries)
    {
        using var folder = new TestFolder();
        using var db = LodeDatabase.Open(folder.Path, new LodeDbOptions
        {
            Embedder = embedder,
            ModelName = CrashTexts.ModelName,
            StoreText = false,
            IndexText = true,
            MaxChunkChars = CrashTexts.MaxChunkChars,
        });
        for (int i = 0; i < operations; i++)
        {
            CrashTexts.Apply(db, i);
        }

        return Signature(db, queries);
    }

    private static string[] Signature(LodeDatabase db, string[] queries) =>
    [
        string.Join(",", db.List(take: 1000).Select(r => r.Id)),
        .. queries.SelectMany(q => Enum.GetValues<SearchMode>().Select(m => Signature(db, q, m))),
    ];

    private static string Signature(LodeDatabase db, string query, SearchMode mode) =>
        $"{mode} {query}: " + string.Join(" ", db.Search(query, 8, mode).Select(h => $"{h.Id}/{h.Chunk}/{h.Score:R}"));

    private static void AssertNoRawText(string folder)
    {
        foreach (string text in Secrets.Append("A placeholder note about gardening tools."))
        {
            Assert.That(FilesContaining(folder, text), Is.Empty, $"raw text on disk: {text}");
        }
    }

    /// <summary>Every file whose bytes contain <paramref name="text"/> as UTF-8 or UTF-16.</summary>
    private static List<string> FilesContaining(string folder, string text)
    {
        byte[][] needles = [Encoding.UTF8.GetBytes(text), Encoding.Unicode.GetBytes(text), Encoding.BigEndianUnicode.GetBytes(text)];
        return
        [
            .. Directory.GetFiles(folder, "*", SearchOption.AllDirectories)
                .Where(file => new FileInfo(file).Length > 0 && needles.Any(n => File.ReadAllBytes(file).AsSpan().IndexOf(n) >= 0))
                .Select(file => Path.GetFileName(file)),
        ];
    }
}
