namespace LodeDb.Tests;

/// <summary>
/// The crash-replay privacy test with a real kill: a child process (tests/LodeDb.CrashWriter,
/// text mode) adds, replaces and removes texts through the fixture model with StoreText = false
/// and is SIGKILLed before any checkpoint. The folder must reopen with every acknowledged write,
/// rank exactly like a reference database that applied the same operations, still answer lexical
/// and hybrid queries (with IndexText), and hold none of the raw texts in any file.
/// </summary>
public sealed class TextCrashTests
{
    [TestCase(true, CommitMode.Wal)]
    [TestCase(true, CommitMode.Generation)]
    [TestCase(false, CommitMode.Wal)]
    public void AKilledPrivateWriterReplaysWithoutRawTextOnDisk(bool indexText, CommitMode mode)
    {
        using var folder = new TestFolder();
        string model = TextFixture.Embedder.Value.ModelDirectory;
        List<string> lines = ChildProcess.KillAfterAcknowledgements(14, "text", folder.Path, model, "false", indexText ? "true" : "false", mode.ToString());
        List<string> acknowledged = lines.Where(l => l.EndsWith(" .", StringComparison.Ordinal)).ToList();
        Assert.That(acknowledged, Has.Count.GreaterThanOrEqualTo(14));
        for (int i = 0; i < acknowledged.Count; i++)
        {
            var (kind, ids) = CrashTexts.Op(i);
            Assert.That(acknowledged[i], Is.EqualTo($"{kind} {string.Join(',', ids)} ."));
        }

        // Every text the writer was given (acknowledged, in flight, or the next one) must be absent.
        // The texts are longer than a chunk, so each chunk's text is looked for too.
        string[] raw = Enumerable.Range(0, acknowledged.Count + 2).SelectMany(CrashTexts.TextsOf)
            .SelectMany(text => TextChunker.Split(text, CrashTexts.MaxChunkChars).Select(c => text.Substring(c.Start, c.Length).Trim()).Prepend(text))
            .Distinct().ToArray();
        Assert.That(raw.Length, Is.GreaterThan(2 * (acknowledged.Count + 2)), "several chunks per text");
        foreach (string text in raw)
        {
            Assert.That(TextFixture.FilesContaining(folder.Path, text), Is.Empty, $"raw text on disk after the kill: {text}");
        }

        Assert.That(Directory.GetFiles(folder.Path).Select(Path.GetFileName), Has.Some.Match(mode == CommitMode.Wal ? @"index\.g\d+\.wal" : @"index\.g1\.journal"),
            "the writes were still in the log when it was killed");

        var embedder = new CountingEmbedder(TextFixture.Embedder.Value);
        using var replayed = LodeDatabase.Open(folder.Path, new LodeDbOptions { Embedder = embedder, ModelName = CrashTexts.ModelName, CommitMode = mode });
        Assert.That(embedder.Calls, Is.EqualTo(0), "replay never re-embeds");

        // The reference: the same operations applied in this process. The operation in flight at
        // the kill may or may not have committed, so the replay must equal one of two references.
        SearchMode[] modes = indexText ? Enum.GetValues<SearchMode>() : [SearchMode.Vector];
        string[] without = ReferenceSignature(indexText, acknowledged.Count, modes);
        string[] with = ReferenceSignature(indexText, acknowledged.Count + 1, modes);
        string[] actual = Signature(replayed, modes);
        Assert.That(actual, Is.EqualTo(without).Or.EqualTo(with), "every acknowledged write, nothing half-applied, the same rankings");
        Assert.That(actual[0], Does.Contain("t0,"), "sanity: the signature lists the documents");

        if (indexText)
        {
            Assert.That(replayed.Search("E1000", 1, SearchMode.Lexical)[0].Id, Is.EqualTo("t0"));
            Assert.That(replayed.Search("E1000", 1, SearchMode.Hybrid)[0].Id, Is.EqualTo("t0"));
            Assert.That(replayed.Search("R5010", 1, SearchMode.Lexical)[0].Id, Is.EqualTo("t4"), "op 10 replaced t4");
            Assert.That(replayed.Search("E1004", 3, SearchMode.Lexical), Is.Empty, "the replaced text's terms are gone after replay");
            Assert.That(replayed.Search("E1008", 3, SearchMode.Lexical).Select(h => h.Id), Is.EqualTo(new[] { "t8" }));
            Assert.That(replayed.Search("E2008", 3, SearchMode.Lexical), Is.Empty, "t8b was removed by op 11");
        }
        else
        {
            Assert.Throws<InvalidOperationException>(() => replayed.Search("E1000", 1, SearchMode.Lexical));
        }

        // The checkpoint that folds the replayed log holds no raw text either.
        replayed.Persist();
        foreach (string text in raw)
        {
            Assert.That(TextFixture.FilesContaining(folder.Path, text), Is.Empty, $"raw text on disk after the checkpoint: {text}");
        }
    }

    private static readonly string[] Queries = ["automobile repair", "puppy vet", "E1004", "ABC-107", "2024-01-03", "physician", "R5010 revision"];

    private static string[] ReferenceSignature(bool indexText, int operations, SearchMode[] modes)
    {
        using var folder = new TestFolder();
        using var db = LodeDatabase.Open(folder.Path, TextFixture.Options(storeText: false, indexText: indexText, maxChunkChars: CrashTexts.MaxChunkChars));
        for (int i = 0; i < operations; i++)
        {
            CrashTexts.Apply(db, i);
        }

        return Signature(db, modes);
    }

    /// <summary>The documents, their slots and every ranking of <see cref="Queries"/> (ids, scores, best chunks).</summary>
    private static string[] Signature(LodeDatabase db, SearchMode[] modes)
    {
        var lines = new List<string>
        {
            string.Join(",", db.List(take: 1000).Select(r => r.Id)) + ",",
            $"slots {db.Stats().SlotCount}",
        };
        foreach (string query in Queries)
        {
            foreach (SearchMode mode in modes)
            {
                lines.Add($"{mode} {query}: " + string.Join(" ", db.Search(query, 8, mode).Select(h => $"{h.Id}/{h.Chunk}/{h.Score:R}")));
            }
        }

        return lines.ToArray();
    }
}
