namespace LodeDb.Tests.Api;

/// <summary>List(ListOptions): an id allow-list, a filter and a keyset cursor; chunk counts.</summary>
public sealed class ListTests
{
    private static LodeDatabase Filled(TestFolder folder, int rows)
    {
        var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = 4 });
        var random = new Random(9);
        // Inserted in a shuffled order: pages must come in id order anyway.
        int[] order = Enumerable.Range(0, rows).OrderBy(_ => random.Next()).ToArray();
        db.AddVectors(
            order.Select(_ => Vectors.Random(random, 4)).ToArray(),
            order.Select(i => (string?)$"doc-{i:D3}").ToArray(),
            order.Select(i => (IReadOnlyDictionary<string, object?>?)new Dictionary<string, object?> { ["n"] = i }).ToArray());
        return db;
    }

    private static List<string> All(LodeDatabase db, ListOptions options)
    {
        var ids = new List<string>();
        string? cursor = options.After;
        do
        {
            ListPage page = db.List(options with { After = cursor });
            Assert.That(page.Records.Count, Is.LessThanOrEqualTo(options.Limit));
            ids.AddRange(page.Records.Select(r => r.Id));
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        return ids;
    }

    [Test]
    public void Pages_cover_every_document_once_in_id_order()
    {
        using var folder = new TestFolder();
        using var db = Filled(folder, 250);
        List<string> ids = All(db, new ListOptions { Limit = 40 });
        Assert.That(ids, Is.EqualTo(Enumerable.Range(0, 250).Select(i => $"doc-{i:D3}")));
        ListPage last = db.List(new ListOptions { Limit = 50, After = "doc-199" });
        Assert.That(last.Records, Has.Count.EqualTo(50));
        Assert.That(last.NextCursor, Is.Null, "exactly the last 50: no further page");
    }

    [Test]
    public void The_allow_list_and_the_filter_both_apply()
    {
        using var folder = new TestFolder();
        using var db = Filled(folder, 100);
        string[] allowed = ["doc-005", "doc-050", "doc-051", "doc-099", "missing"];
        Assert.That(All(db, new ListOptions { Ids = allowed, Limit = 2 }), Is.EqualTo(new[] { "doc-005", "doc-050", "doc-051", "doc-099" }));
        Assert.That(All(db, new ListOptions { Ids = allowed, Filter = Filter.Gte("n", 51), Limit = 1 }), Is.EqualTo(new[] { "doc-051", "doc-099" }));
        Assert.That(db.List(new ListOptions { Ids = [] }).Records, Is.Empty);
    }

    [Test]
    public void A_keyset_cursor_neither_repeats_nor_skips_when_rows_change_between_pages()
    {
        using var folder = new TestFolder();
        using var db = Filled(folder, 30);
        ListPage first = db.List(new ListOptions { Limit = 10 });
        Assert.That(first.NextCursor, Is.EqualTo("doc-009"));
        // Between pages: a new document before the cursor, one removed before it and one after it.
        db.AddVector([1, 0, 0, 0], "doc-000a");
        db.Remove("doc-003");
        db.Remove("doc-012");
        List<string> rest = All(db, new ListOptions { Limit = 10, After = first.NextCursor });
        Assert.That(rest, Is.EqualTo(Enumerable.Range(10, 20).Where(i => i != 12).Select(i => $"doc-{i:D3}")));
    }

    [Test]
    public void Records_carry_their_chunk_count()
    {
        using var folder = new TestFolder();
        using var db = LodeDatabase.Open(folder.Path, TextFixture.Options(maxChunkChars: 40));
        string text = string.Join(" ", Enumerable.Repeat("the car mechanic fixed the engine.", 5));
        db.Add(text, "long");
        db.Add("a dog", "short");
        int chunks = db.Get("long")!.ChunkCount;
        Assert.That(chunks, Is.GreaterThan(1));
        Assert.That(db.Get("short")!.ChunkCount, Is.EqualTo(1));
        Assert.That(db.List(new ListOptions()).Records.Select(r => (r.Id, r.ChunkCount)), Is.EqualTo(new[] { ("long", chunks), ("short", 1) }));
        Assert.That(db.List().Single(r => r.Id == "long").ChunkCount, Is.EqualTo(chunks));
    }

    [Test]
    public void Bad_limits_are_rejected()
    {
        using var folder = new TestFolder();
        using var db = Filled(folder, 3);
        Assert.Throws<ArgumentOutOfRangeException>(() => db.List(new ListOptions { Limit = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => db.List(new ListOptions { Limit = LodeDatabase.MaxListLimit + 1 }));
    }
}
