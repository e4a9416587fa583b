using LodeDb.Lexical;

namespace LodeDb.Tests.Lexical;

/// <summary>The incremental BM25 index against a brute-force evaluation of the formula.</summary>
public sealed class Bm25IndexTests
{
    private const double Tolerance = 1e-9;

    [Test]
    public void MatchesHandComputedScores()
    {
        var index = new Bm25Index();
        index.Add(1, ["a", "b"]);
        index.Add(2, ["a", "a", "c"]);

        // N = 2, avgdl = 2.5; idf(a) = ln 1.2, idf(c) = ln 2; values computed by hand in Python.
        IReadOnlyList<LexicalHit> hits = index.Search(["a"], 10);
        Assert.That(hits.Select(h => h.Key), Is.EqualTo(new ulong[] { 2, 1 }));
        Assert.That(hits[0].Score, Is.EqualTo(0.2373416715660948).Within(1e-12));
        Assert.That(hits[1].Score, Is.EqualTo(0.19856803215183175).Within(1e-12));

        hits = index.Search(["c", "a", "c"], 10);
        Assert.That(hits[0].Score, Is.EqualTo(0.2373416715660948 + 0.64072428455121).Within(1e-12));
        Assert.That(index.Search(["zzz"], 10), Is.Empty);
    }

    [Test]
    public void FindsTheContractIdentifiers()
    {
        string[] corpus =
        [
            "The pump reported error E1234 twice during the night shift.",
            "Part ABC-123 was replaced under warranty.",
            "Maintenance is scheduled for 2024-01-15 at the north plant.",
            "Error codes are listed in the service manual for every pump.",
            "The ABC series and part 123 are unrelated to this note.",
            "Scheduled maintenance for 2024 is not yet planned in January.",
        ];
        var index = new Bm25Index();
        for (int i = 0; i < corpus.Length; i++)
        {
            index.Add((ulong)i, LexicalTokenizer.Tokenize(corpus[i]));
        }

        Assert.That(Single(index, "E1234"), Is.EqualTo(0));
        Assert.That(Single(index, "abc-123"), Is.EqualTo(1));
        Assert.That(Single(index, "2024-01-15"), Is.EqualTo(2));
        Assert.That(index.Search(LexicalTokenizer.Tokenize("error E1234"), 10)[0].Key, Is.EqualTo(0UL));
        // Compounds are whole terms: "abc" alone does not reach the part number.
        Assert.That(index.Search(LexicalTokenizer.Tokenize("abc"), 10).Select(h => h.Key), Is.EqualTo(new ulong[] { 4 }));

        static ulong Single(Bm25Index index, string query) => index.Search(LexicalTokenizer.Tokenize(query), 10).Single().Key;
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public void AgreesWithTheReferenceUnderRandomChurn(int seed)
    {
        var random = new Random(seed);
        string[] vocabulary = Enumerable.Range(0, 80).Select(i => $"t{i}").ToArray();
        var index = new Bm25Index();
        var reference = new Bm25Reference();
        bool compacted = false;
        int previousOrdinals = 0;
        for (int op = 0; op < 6000; op++)
        {
            ulong key = (ulong)random.Next(400);
            int action = random.Next(10);
            if (action < 5)
            {
                string[] tokens = RandomTokens(random, vocabulary);
                if (reference.Chunks.ContainsKey(key))
                {
                    Assert.Throws<InvalidOperationException>(() => index.Add(key, tokens));
                }
                else
                {
                    index.Add(key, tokens);
                    reference.Set(key, tokens);
                }
            }
            else if (action < 8)
            {
                Assert.That(index.Remove(key), Is.EqualTo(reference.Chunks.Remove(key)));
            }
            else
            {
                string[] tokens = RandomTokens(random, vocabulary);
                Assert.That(index.Replace(key, tokens), Is.EqualTo(reference.Chunks.ContainsKey(key)));
                reference.Set(key, tokens);
            }

            int dead = index.OrdinalCount - index.Count;
            Assert.That(dead, Is.LessThan(Math.Max(1024, index.Count + 1)), "dead ordinals are reclaimed");
            compacted |= index.OrdinalCount < previousOrdinals;
            previousOrdinals = index.OrdinalCount;
            if (op % 50 == 0)
            {
                AssertSameStatistics(index, reference, vocabulary);
                for (int q = 0; q < 8; q++)
                {
                    AssertSameResults(index, reference, random, vocabulary);
                }
            }
        }

        AssertSameStatistics(index, reference, vocabulary);
        Assert.That(compacted, Is.True, "the churn should have renumbered ordinals at least once");
    }

    [Test]
    public void RemovedChunksNeverComeBack()
    {
        var index = new Bm25Index();
        for (ulong key = 0; key < 3000; key++)
        {
            index.Add(key, ["common", $"k{key % 7}", key % 2 == 0 ? "even" : "odd"]);
        }

        for (ulong key = 0; key < 3000; key += 2)
        {
            Assert.That(index.Remove(key), Is.True);
        }

        Assert.That(index.DocumentFrequency("even"), Is.Zero);
        Assert.That(index.DocumentFrequency("common"), Is.EqualTo(1500));
        Assert.That(index.Search(["even"], 10), Is.Empty);
        IReadOnlyList<LexicalHit> hits = index.Search(["common", "k0"], 5000);
        Assert.That(hits, Has.Count.EqualTo(1500));
        Assert.That(hits.All(h => h.Key % 2 == 1), Is.True);

        // A key replaced keeps only its new terms.
        index.Replace(1, ["fresh"]);
        Assert.That(index.Search(["odd"], 5000).Any(h => h.Key == 1), Is.False);
        Assert.That(index.Search(["fresh"], 10).Single().Key, Is.EqualTo(1UL));
        Assert.That(index.GetTerms(1), Is.EqualTo(new[] { KeyValuePair.Create("fresh", 1) }));
        Assert.That(index.TotalLength, Is.EqualTo(1499L * 3 + 1));

        for (ulong key = 1; key < 3000; key += 2)
        {
            index.Remove(key);
        }

        Assert.That(index.Count, Is.Zero);
        Assert.That(index.TotalLength, Is.Zero);
        Assert.That(index.TermCount, Is.Zero);
        Assert.That(index.PostingCount, Is.Zero);
        Assert.That(index.Search(["common"], 10), Is.Empty);
    }

    [Test]
    public void EmptyChunksAreNotIndexed()
    {
        var index = new Bm25Index();
        index.Add(5, []);
        Assert.That(index.Contains(5), Is.False);
        Assert.That(index.Count, Is.Zero);
        index.Add(5, ["x"]);
        Assert.That(index.Replace(5, []), Is.True);
        Assert.That(index.Contains(5), Is.False);
        Assert.That(index.TermCount, Is.Zero);
    }

    [Test]
    public void AllowMaskReturnsOnlyAllowedKeysAndNeverPads()
    {
        var random = new Random(11);
        string[] vocabulary = Enumerable.Range(0, 30).Select(i => $"w{i}").ToArray();
        var index = new Bm25Index();
        var reference = new Bm25Reference();
        for (ulong key = 0; key < 700; key++)
        {
            string[] tokens = RandomTokens(random, vocabulary);
            index.Add(key, tokens);
            reference.Set(key, tokens);
        }

        for (int round = 0; round < 200; round++)
        {
            // Masks shorter than the key range too: keys past the end are not allowed.
            var mask = new ulong[random.Next(0, 12)];
            double density = random.NextDouble() * 0.2;
            for (int bit = 0; bit < mask.Length * 64; bit++)
            {
                if (random.NextDouble() < density)
                {
                    mask[bit >> 6] |= 1UL << (bit & 63);
                }
            }

            bool Allowed(ulong key) => (key >> 6) < (ulong)mask.Length && (mask[key >> 6] & (1UL << (int)(key & 63))) != 0;
            string[] query = RandomQuery(random, vocabulary);
            int k = random.Next(1, 30);
            IReadOnlyList<LexicalHit> viaMask = index.Search(query, k, mask);
            IReadOnlyList<LexicalHit> viaPredicate = index.Search(query, k, Allowed);
            List<(ulong Key, double Score)> expected = reference.ScoreAll(query, Allowed);
            Assert.That(viaMask.All(h => Allowed(h.Key)), Is.True);
            Assert.That(viaMask, Has.Count.EqualTo(Math.Min(k, expected.Count)));
            Assert.That(viaPredicate, Is.EqualTo(viaMask));
            AssertRanking(viaMask, expected, k);
        }
    }

    [Test]
    public void TiesGoToTheLowerKey()
    {
        var index = new Bm25Index();
        foreach (ulong key in new ulong[] { 90, 7, 300, 8, 1 })
        {
            index.Add(key, ["same", "words"]);
        }

        Assert.That(index.Search(["same"], 3).Select(h => h.Key), Is.EqualTo(new ulong[] { 1, 7, 8 }));
    }

    [Test]
    public void ConcurrentReadersSeeTheSameResults()
    {
        var random = new Random(5);
        string[] vocabulary = Enumerable.Range(0, 50).Select(i => $"c{i}").ToArray();
        var index = new Bm25Index();
        for (ulong key = 0; key < 2000; key++)
        {
            index.Add(key, RandomTokens(random, vocabulary));
        }

        string[][] queries = Enumerable.Range(0, 64).Select(_ => RandomQuery(random, vocabulary)).ToArray();
        IReadOnlyList<LexicalHit>[] expected = queries.Select(q => index.Search(q, 10)).ToArray();
        Parallel.For(0, 4 * queries.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            int q = i % queries.Length;
            Assert.That(index.Search(queries[q], 10), Is.EqualTo(expected[q]));
        });
    }

    [Test]
    public void RejectsMisuse()
    {
        var index = new Bm25Index();
        index.Add(1, ["a"]);
        Assert.Throws<InvalidOperationException>(() => index.Add(1, ["b"]));
        Assert.Throws<ArgumentOutOfRangeException>(() => index.Search(["a"], 0));
        Assert.Throws<ArgumentException>(() => index.Add(2, ["ok", ""]));
        Assert.That(index.Contains(2), Is.False, "a rejected add changes nothing");
        Assert.That(index.Remove(2), Is.False);
    }

    private static void AssertSameStatistics(Bm25Index index, Bm25Reference reference, string[] vocabulary)
    {
        Assert.That(index.Count, Is.EqualTo(reference.Chunks.Count));
        Assert.That(index.TotalLength, Is.EqualTo(reference.Chunks.Values.Sum(t => (long)t.Length)));
        int distinct = reference.Chunks.Values.SelectMany(t => t).Distinct().Count();
        Assert.That(index.TermCount, Is.EqualTo(distinct), "no term outlives its last chunk");
        foreach (string term in vocabulary)
        {
            Assert.That(index.DocumentFrequency(term), Is.EqualTo(reference.Chunks.Values.Count(t => t.Contains(term))), term);
        }

        long livePostings = 0;
        foreach ((ulong key, string[] tokens) in reference.Chunks)
        {
            var expected = tokens.GroupBy(t => t).ToDictionary(g => g.Key, g => g.Count());
            Assert.That(index.GetTerms(key).ToDictionary(p => p.Key, p => p.Value), Is.EqualTo(expected));
            Assert.That(index.LengthOf(key), Is.EqualTo(tokens.Length));
            livePostings += expected.Count;
        }

        // Lazy deletion is bounded: per term, dead postings never exceed max(15, live).
        Assert.That(index.PostingCount, Is.LessThanOrEqualTo(2 * livePostings + 16L * index.TermCount));
    }

    private static void AssertSameResults(Bm25Index index, Bm25Reference reference, Random random, string[] vocabulary)
    {
        string[] query = RandomQuery(random, vocabulary);
        int k = random.Next(1, 40);
        ulong[]? mask = null;
        if (random.Next(2) == 0)
        {
            mask = new ulong[7];
            for (int i = 0; i < mask.Length; i++)
            {
                mask[i] = (ulong)random.NextInt64() ^ ((ulong)random.NextInt64() << 1);
            }
        }

        bool Allowed(ulong key) => mask is null || ((key >> 6) < (ulong)mask.Length && (mask[key >> 6] & (1UL << (int)(key & 63))) != 0);
        AssertRanking(index.Search(query, k, mask), reference.ScoreAll(query, Allowed), k);
    }

    private static void AssertRanking(IReadOnlyList<LexicalHit> actual, List<(ulong Key, double Score)> expected, int k)
    {
        Assert.That(actual, Has.Count.EqualTo(Math.Min(k, expected.Count)));
        var referenceScores = expected.ToDictionary(e => e.Key, e => e.Score);
        for (int i = 0; i < actual.Count; i++)
        {
            double want = expected[i].Score;
            Assert.That(actual[i].Score, Is.EqualTo(want).Within(Tolerance * Math.Abs(want)), $"score at rank {i + 1}");
            Assert.That(referenceScores.ContainsKey(actual[i].Key), Is.True, $"key {actual[i].Key} must match the query and be allowed");
            Assert.That(referenceScores[actual[i].Key], Is.EqualTo(actual[i].Score).Within(Tolerance * Math.Abs(want)), $"key {actual[i].Key}'s own score");
            if (i > 0)
            {
                // Best first, ties by lower key.
                Assert.That(actual[i].Score < actual[i - 1].Score || (actual[i].Score == actual[i - 1].Score && actual[i].Key > actual[i - 1].Key), Is.True);
            }
        }

        // Same ranking: identical keys, rank for rank.
        Assert.That(actual.Select(h => h.Key), Is.EqualTo(expected.Take(k).Select(e => e.Key)));
    }

    private static string[] RandomTokens(Random random, string[] vocabulary)
    {
        // Skewed draws give common and rare terms, repeats within a chunk, and exact score ties.
        int length = random.Next(0, 25);
        var tokens = new string[length];
        for (int i = 0; i < length; i++)
        {
            double u = random.NextDouble();
            tokens[i] = vocabulary[(int)(u * u * u * vocabulary.Length)];
        }

        return tokens;
    }

    private static string[] RandomQuery(Random random, string[] vocabulary) =>
        Enumerable.Range(0, random.Next(1, 5)).Select(_ => vocabulary[random.Next(vocabulary.Length)]).ToArray();
}
