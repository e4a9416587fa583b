namespace LodeDb.Tests.Api;

/// <summary>RemoveMany / RemoveWhere: one commit, one RemoveMany log record, replayed after a crash.</summary>
public sealed class RemoveManyTests
{
    private static LodeDatabase Filled(TestFolder folder, int rows = 20)
    {
        var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = 8 });
        var random = new Random(5);
        db.AddVectors(
            Enumerable.Range(0, rows).Select(_ => Vectors.Random(random, 8)).ToArray(),
            Enumerable.Range(0, rows).Select(i => (string?)$"r{i}").ToArray(),
            Enumerable.Range(0, rows).Select(i => (IReadOnlyDictionary<string, object?>?)new Dictionary<string, object?> { ["n"] = i, ["even"] = i % 2 == 0 }).ToArray());
        return db;
    }

    [Test]
    public void RemoveMany_removes_the_existing_ids_in_one_record_that_replays()
    {
        using var folder = new TestFolder();
        using var db = Filled(folder);
        long records = db.Stats().WalRecords;
        Assert.That(db.RemoveMany(["r1", "r2", "missing", "r2", "r19"]), Is.EqualTo(3));
        Assert.That(db.Stats().WalRecords, Is.EqualTo(records + 1), "one log record for the batch");
        Assert.That(db.Count(), Is.EqualTo(17));
        Assert.That(db.Get("r1"), Is.Null);
        Assert.That(db.SearchByVector(Vectors.Random(new Random(1), 8), 20).Select(h => h.Id), Has.None.AnyOf("r1", "r2", "r19"));

        using TestFolder crashed = folder.CrashCopy();
        using var replayed = LodeDatabase.Open(crashed.Path);
        Assert.That(replayed.Count(), Is.EqualTo(17));
        Assert.That(new[] { "r1", "r2", "r19" }.Select(replayed.Get), Is.All.Null);
        Assert.That(replayed.Get("r3"), Is.Not.Null);
    }

    [Test]
    public void RemoveWhere_removes_the_matching_documents_in_one_record_that_replays()
    {
        using var folder = new TestFolder();
        using var db = Filled(folder);
        long records = db.Stats().WalRecords;
        Assert.That(db.RemoveWhere(Filter.Eq("even", true) & Filter.Gte("n", 10)), Is.EqualTo(5));
        Assert.That(db.Stats().WalRecords, Is.EqualTo(records + 1));
        Assert.That(db.Count(Filter.Gte("n", 10)), Is.EqualTo(5), "the odd ones from 10 stay");
        Assert.That(db.Count(), Is.EqualTo(15));

        using TestFolder crashed = folder.CrashCopy();
        using var replayed = LodeDatabase.Open(crashed.Path);
        Assert.That(replayed.List(Filter.Gte("n", 10), take: 100).Select(r => r.Id), Is.EquivalentTo(new[] { "r11", "r13", "r15", "r17", "r19" }));
    }

    [Test]
    public void Removing_nothing_writes_nothing_and_bad_input_removes_nothing()
    {
        using var folder = new TestFolder();
        using var db = Filled(folder);
        long records = db.Stats().WalRecords;
        Assert.That(db.RemoveMany(["nope"]), Is.EqualTo(0));
        Assert.That(db.RemoveMany([]), Is.EqualTo(0));
        Assert.That(db.RemoveWhere(Filter.Gt("n", 1000)), Is.EqualTo(0));
        Assert.Throws<ArgumentException>(() => db.RemoveMany(["r1", null!]));
        Assert.That(db.Stats().WalRecords, Is.EqualTo(records));
        Assert.That(db.Count(), Is.EqualTo(20));
    }

    [Test]
    public void A_cancelled_batch_remove_removes_nothing()
    {
        using var folder = new TestFolder();
        using var db = Filled(folder);
        using var source = new CancellationTokenSource();
        source.Cancel();
        Assert.CatchAsync<OperationCanceledException>(() => db.RemoveManyAsync(["r1", "r2"], source.Token));
        Assert.CatchAsync<OperationCanceledException>(() => db.RemoveWhereAsync(Filter.Eq("even", true), source.Token));
        Assert.That(db.Count(), Is.EqualTo(20));
    }

    [Test]
    public void The_RemoveMany_record_round_trips_and_a_damaged_count_is_a_format_error()
    {
        byte[] payload = WalRecord.EncodeRemoveMany(["a", "é", new string('x', 300)]);
        Assert.That(payload[0], Is.EqualTo(WalRecord.RemoveManyOp));
        var decoded = (RemoveRecord)WalRecord.Decode(payload);
        Assert.That(decoded.Ids, Is.EqualTo(new[] { "a", "é", new string('x', 300) }));

        byte[] huge = (byte[])payload.Clone();
        BitConverter.TryWriteBytes(huge.AsSpan(1, 4), int.MaxValue);
        Assert.Throws<FormatException>(() => WalRecord.Decode(huge));
        byte[] none = (byte[])payload.Clone();
        BitConverter.TryWriteBytes(none.AsSpan(1, 4), 0);
        Assert.Throws<FormatException>(() => WalRecord.Decode(none));
        Assert.Throws<FormatException>(() => WalRecord.Decode(payload[..^1]), "a truncated id");
        var single = (RemoveRecord)WalRecord.Decode(WalRecord.EncodeRemove("one"));
        Assert.That(single.Ids, Is.EqualTo(new[] { "one" }), "the one-id Remove record still decodes");
    }
}
