using System.Buffers.Binary;

namespace LodeDb.Tests;

/// <summary>
/// The corruption matrix: a database with base rows, a sidecar and WAL records, each of its files
/// damaged at many offsets (every field of every log frame, bit flips, zeroed blocks, truncations,
/// appended garbage). Every case must either fail the open with a typed error or read back every
/// acknowledged record exactly (ids, metadata with types, text, scores). A damaged or cut log tail
/// may read back as an earlier acknowledged state: exactly what a crash mid-append leaves.
/// </summary>
[NonParallelizable]
public sealed class CorruptionMatrixTests
{
    private const int Dim = 8;
    private const int BaseRows = 24;

    private enum Outcome
    {
        FailedNamingTheFile,
        FailedTypedOther,
        OpenedIntact,
        OpenedAtAnEarlierLogRecord,
        OpenedDataChanged,
        FailedUntyped,
    }

    private sealed record Case(string File, string What, Func<byte[], byte[]> Damage);

    [Test]
    public void EveryDamageFailsTypedOrReadsBackEveryAcknowledgedRecord()
    {
        using var source = new TestFolder();
        var states = new List<string>();
        using TestFolder pristine = Build(source, states);
        Dictionary<string, byte[]> files = Directory.GetFiles(pristine.Path)
            .Where(f => !f.EndsWith(".pin", StringComparison.Ordinal))
            .ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);
        string wal = Path.GetFileName(pristine.Wal);
        List<long> frames = WalDamageTests.FrameOffsets(files[wal]);
        Assert.That(files.Keys, Has.Some.EndsWith(".rescore").And.Some.EndsWith(".codes").And.Some.EndsWith(".rows"));

        var cases = new List<Case>();
        foreach ((string name, byte[] bytes) in files)
        {
            cases.AddRange(name == wal ? LogCases(name, bytes, frames) : FileCases(name, bytes));
        }

        var counts = Enum.GetValues<Outcome>().ToDictionary(o => o, _ => 0);
        var failures = new List<string>();
        using var scratch = new TestFolder();
        Directory.CreateDirectory(scratch.Path);
        foreach (Case damage in cases)
        {
            foreach ((string name, byte[] bytes) in files)
            {
                File.WriteAllBytes(scratch.File(name), name == damage.File ? damage.Damage((byte[])bytes.Clone()) : bytes);
            }

            (Outcome outcome, string detail) = Classify(scratch, damage, states, wal, frames);
            counts[outcome]++;
            if (outcome is Outcome.OpenedDataChanged or Outcome.FailedUntyped)
            {
                failures.Add($"{damage.File} {damage.What}: {outcome} {detail}");
            }
        }

        TestContext.Out.WriteLine($"corruption matrix: {cases.Count} cases");
        foreach ((Outcome outcome, int count) in counts)
        {
            TestContext.Out.WriteLine($"  {outcome}: {count}");
        }

        Assert.That(failures, Is.Empty, string.Join("\n", failures.Take(40)));
        Assert.That(counts[Outcome.OpenedIntact] + counts[Outcome.FailedNamingTheFile], Is.GreaterThan(cases.Count / 2), "the matrix exercised real damage");
    }

    /// <summary>Base rows in a checkpointed generation with an int8 sidecar, then acknowledged log records; <paramref name="states"/> gets the state after the base and after each record.</summary>
    private static TestFolder Build(TestFolder folder, List<string> states)
    {
        using var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = Dim, Rescore = RescoreStorage.Int8, CommitMode = CommitMode.Wal, CheckpointEveryRecords = 1000 });
        db.AddVectors(Enumerable.Range(0, BaseRows).Select(i => Vectors.Random(new Random(i), Dim)).ToArray(),
            Enumerable.Range(0, BaseRows).Select(i => (string?)$"r{i}").ToArray(),
            Enumerable.Range(0, BaseRows).Select(i => (IReadOnlyDictionary<string, object?>?)Meta(i)).ToArray(),
            Enumerable.Range(0, BaseRows).Select(i => (string?)$"caption {i}").ToArray());
        db.Persist();
        Record(folder, states);
        for (int i = 0; i < 8; i++)
        {
            int id = i % 3 == 0 ? i : BaseRows + i; // some replace base rows
            db.AddVector(Vectors.Random(new Random(500 + i), Dim), $"r{id}", Meta(id), $"log caption {i}");
            Record(folder, states);
        }

        db.Remove("r5");
        Record(folder, states);
        db.Remove($"r{BaseRows + 1}");
        Record(folder, states);
        return folder.CrashCopy();
    }

    private static void Record(TestFolder folder, List<string> states)
    {
        using TestFolder copy = folder.CrashCopy();
        using var reader = LodeDatabase.OpenReadOnly(copy.Path);
        states.Add(DatabaseState.Of(reader, Dim));
    }

    private static Dictionary<string, object?> Meta(int i) => new()
    {
        ["i"] = (long)i,
        ["big"] = 9007199254740993L + i,
        ["ratio"] = i / 7.0,
        ["even"] = i % 2 == 0,
        ["name"] = $"n{i}",
        ["none"] = null,
        ["tags"] = new object?[] { "a", (long)i },
    };

    private static (Outcome, string) Classify(TestFolder folder, Case damage, List<string> states, string wal, List<long> frames)
    {
        LodeDatabase db;
        try
        {
            db = LodeDatabase.OpenReadOnly(folder.Path);
        }
        catch (CorruptDatabaseException ex)
        {
            return (ex.File == damage.File ? Outcome.FailedNamingTheFile : Outcome.FailedTypedOther, ex.Message);
        }
        catch (LodeDatabaseException ex)
        {
            return (Outcome.FailedTypedOther, ex.Message);
        }
        catch (Exception ex)
        {
            return (Outcome.FailedUntyped, ex.ToString());
        }

        using (db)
        {
            string state;
            try
            {
                state = DatabaseState.Of(db, Dim);
            }
            catch (Exception ex)
            {
                return (ex is LodeDatabaseException ? Outcome.FailedTypedOther : Outcome.FailedUntyped, "on read: " + ex);
            }

            if (state == states[^1])
            {
                return (Outcome.OpenedIntact, "");
            }

            // Only the log's tail may be lost, and only as a crash mid-append would lose it: the
            // state after the records before the first damaged byte.
            if (damage.File == wal && TailRecordsBefore(damage, frames) is int kept && state == states[kept])
            {
                return (Outcome.OpenedAtAnEarlierLogRecord, "");
            }

            return (Outcome.OpenedDataChanged, "the rows or scores read back differently");
        }
    }

    /// <summary>For damage that only touches the log's last record or cuts the log: how many records precede it; else null.</summary>
    private static int? TailRecordsBefore(Case damage, List<long> frames)
    {
        if (!damage.What.StartsWith("tail:", StringComparison.Ordinal))
        {
            return null;
        }

        long at = long.Parse(damage.What.AsSpan("tail:".Length, damage.What.IndexOf(' ') - "tail:".Length), System.Globalization.CultureInfo.InvariantCulture);
        int frame = frames.FindLastIndex(start => start <= at);
        return Math.Max(0, frame - 1); // frame 0 is the Begin record
    }

    private static IEnumerable<Case> LogCases(string name, byte[] bytes, List<long> frames)
    {
        long end = bytes.Length;
        for (int f = 0; f < frames.Count; f++)
        {
            long start = frames[f];
            long next = f + 1 < frames.Count ? frames[f + 1] : end;
            bool last = f == frames.Count - 1;
            string where = last ? $"tail:{start}" : $"frame:{start}";
            var offsets = Enumerable.Range(0, 20).Select(i => start + i).Concat([start + 20, (start + next) / 2, next - 1]).Where(o => o < next).Distinct();
            foreach (long offset in offsets)
            {
                yield return new Case(name, $"{where} flip {offset}", b => Flip(b, offset));
            }

            yield return new Case(name, $"{where} zeroed frame", b => Zero(b, start, next - start));
            yield return new Case(name, $"tail:{start} cut at frame start", b => b[..(int)start]);
            yield return new Case(name, $"tail:{start + 7} cut inside frame", b => b[..(int)(start + 7)]);
        }

        yield return new Case(name, $"tail:{end} appended zeros", b => [.. b, .. new byte[64]]);
        yield return new Case(name, $"tail:{end} appended garbage", b => [.. b, .. Garbage(64)]);
        yield return new Case(name, $"tail:{end} appended frame header", b => [.. b, .. "LWAL\u0001\0\0\0\u0040\0\0\0"u8.ToArray(), .. Garbage(8)]);
    }

    private static IEnumerable<Case> FileCases(string name, byte[] bytes)
    {
        int n = bytes.Length;
        var offsets = Enumerable.Range(0, Math.Min(n, 72)).Concat(Enumerable.Range(0, 48).Select(i => (int)((long)i * n / 48))).Append(n - 1).Distinct();
        foreach (int offset in offsets)
        {
            yield return new Case(name, $"flip {offset}", b => Flip(b, offset));
        }

        foreach (int block in new[] { 0, n / 3, 2 * n / 3, Math.Max(0, n - 64) })
        {
            yield return new Case(name, $"zeroed 64 bytes at {block}", b => Zero(b, block, Math.Min(64, n - block)));
        }

        foreach (int cut in new[] { 0, 1, n / 2, n - 1 })
        {
            yield return new Case(name, $"cut at {cut}", b => b[..cut]);
        }

        yield return new Case(name, "appended garbage", b => [.. b, .. Garbage(16)]);
    }

    private static byte[] Flip(byte[] bytes, long offset)
    {
        // Printable stays printable in the JSON root: a damaged digit or letter, not only broken syntax.
        bytes[offset] ^= bytes[offset] is >= 0x30 and < 0x7f ? (byte)0x01 : (byte)0x5a;
        return bytes;
    }

    private static byte[] Zero(byte[] bytes, long offset, long count)
    {
        Array.Clear(bytes, (int)offset, (int)count);
        return bytes;
    }

    private static byte[] Garbage(int count)
    {
        var bytes = new byte[count];
        new Random(count).NextBytes(bytes);
        return bytes;
    }
}
