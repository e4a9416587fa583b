using LodeDb.Lexical;

namespace LodeDb.Tests.Lexical;

/// <summary>Reciprocal Rank Fusion against hand-computed values, and its tie rules.</summary>
public sealed class ReciprocalRankFusionTests
{
    [Test]
    public void MatchesHandComputedScores()
    {
        IReadOnlyList<FusedHit<string>> hits = ReciprocalRankFusion.Fuse<string>([["a", "b", "c"], ["c", "a", "d"]], 10);

        Assert.That(hits.Select(h => h.Key), Is.EqualTo(new[] { "a", "c", "b", "d" }));
        Assert.That(hits[0].Score, Is.EqualTo(1.0 / 61 + 1.0 / 62).Within(1e-15));
        Assert.That(hits[1].Score, Is.EqualTo(1.0 / 61 + 1.0 / 63).Within(1e-15));
        Assert.That(hits[2].Score, Is.EqualTo(1.0 / 62).Within(1e-15));
        Assert.That(hits[3].Score, Is.EqualTo(1.0 / 63).Within(1e-15));
    }

    [Test]
    public void KeepsTheTopKAndHonoursC()
    {
        IReadOnlyList<FusedHit<int>> hits = ReciprocalRankFusion.Fuse<int>([[1, 2, 3], [3, 2, 1]], 2, c: 0);

        // c = 0: 1 and 3 score 1 + 1/3, 2 scores 1/2 + 1/2.
        Assert.That(hits.Select(h => h.Key), Is.EqualTo(new[] { 1, 3 }));
        Assert.That(hits[0].Score, Is.EqualTo(1 + 1.0 / 3).Within(1e-15));
        Assert.That(ReciprocalRankFusion.Fuse<int>([[], []], 5), Is.Empty);
        Assert.That(ReciprocalRankFusion.Fuse<int>([], 5), Is.Empty);
    }

    [Test]
    public void EqualScoresGoToTheEarlierRanking()
    {
        // x is first in ranking 0 and y first in ranking 1: same score, same best rank.
        Assert.That(ReciprocalRankFusion.Fuse<string>([["x"], ["y"]], 2).Select(h => h.Key), Is.EqualTo(new[] { "x", "y" }));
        Assert.That(ReciprocalRankFusion.Fuse<string>([["y"], ["x"]], 2).Select(h => h.Key), Is.EqualTo(new[] { "y", "x" }));

        // Mirrored ranks: ranking 0 decides.
        IReadOnlyList<FusedHit<string>> hits = ReciprocalRankFusion.Fuse<string>([["p", "q"], ["q", "p"]], 2);
        Assert.That(hits.Select(h => h.Key), Is.EqualTo(new[] { "p", "q" }));
        Assert.That(hits[0].Score, Is.EqualTo(hits[1].Score));
    }

    [Test]
    public void EqualScoresGoToTheBetterBestRank()
    {
        // 1/63 + 1/84 = 2/72 exactly (and in doubles): a (ranks 3 and 24) ties b (12 and 12),
        // and a wins on its best rank although b is placed first in the second ranking's order.
        var first = Fillers("f", 30);
        var second = Fillers("g", 30);
        first[2] = "a";
        first[11] = "b";
        second[23] = "a";
        second[11] = "b";

        IReadOnlyList<FusedHit<string>> hits = ReciprocalRankFusion.Fuse<string>([first, second], 3);

        Assert.That(hits.Take(2).Select(h => h.Key), Is.EqualTo(new[] { "a", "b" }));
        Assert.That(hits[0].Score, Is.EqualTo(hits[1].Score));
        Assert.That(hits[0].Score, Is.EqualTo(1.0 / 36).Within(1e-15));
    }

    [Test]
    public void SameRanksInAnyOrderGiveBitIdenticalScores()
    {
        // u, v and w each hold ranks 1, 2 and 7, in different rankings. Summed in ranking order
        // the doubles differ in the last bit (1/61 + 1/67 + 1/62 != 1/62 + 1/61 + 1/67); summed
        // in rank order they tie, and the earlier ranking of the best rank decides.
        string[] first = Fillers("f", 7);
        string[] second = Fillers("g", 7);
        string[] third = Fillers("h", 7);
        (first[0], first[1], first[6]) = ("u", "v", "w");
        (second[0], second[1], second[6]) = ("v", "w", "u");
        (third[0], third[1], third[6]) = ("w", "u", "v");

        IReadOnlyList<FusedHit<string>> hits = ReciprocalRankFusion.Fuse<string>([first, second, third], 3);

        Assert.That(hits.Select(h => h.Key), Is.EqualTo(new[] { "u", "v", "w" }));
        Assert.That(hits[1].Score, Is.EqualTo(hits[0].Score));
        Assert.That(hits[2].Score, Is.EqualTo(hits[0].Score));
    }

    [Test]
    public void RepeatsWithinARankingCountOnce()
    {
        IReadOnlyList<FusedHit<string>> hits = ReciprocalRankFusion.Fuse<string>([["a", "a", "b"]], 5);

        Assert.That(hits.Select(h => h.Key), Is.EqualTo(new[] { "a", "b" }));
        Assert.That(hits[0].Score, Is.EqualTo(1.0 / 61).Within(1e-15));
        Assert.That(hits[1].Score, Is.EqualTo(1.0 / 63).Within(1e-15), "b keeps its position");
    }

    [Test]
    public void CollapsesChunksToTheirBestChunkPerDocument()
    {
        string[] chunks = ["d1#2", "d2#0", "d1#0", "d3#1", "d2#4"];

        var documents = ReciprocalRankFusion.CollapseToDocuments(chunks, c => c[..2]);

        Assert.That(documents, Is.EqualTo(new[] { ("d1", "d1#2"), ("d2", "d2#0"), ("d3", "d3#1") }));
    }

    [Test]
    public void FusesPerDocumentAfterCollapsing()
    {
        // Vector ranker: d2's chunks fill the top; lexical ranker: d1 first. Per document, d2 is
        // rank 1 and d1 rank 2 in the vector list, so d1 (2 + 1) beats d2 (1 + 2) only on the
        // earlier-ranking rule; d3 appears once.
        ulong[] vectorChunks = [20, 21, 10, 30];
        ulong[] lexicalChunks = [11, 22];
        static string DocumentOf(ulong chunk) => $"d{chunk / 10}";

        var vector = ReciprocalRankFusion.CollapseToDocuments(vectorChunks, DocumentOf);
        var lexical = ReciprocalRankFusion.CollapseToDocuments(lexicalChunks, DocumentOf);
        IReadOnlyList<FusedHit<string>> hits = ReciprocalRankFusion.Fuse<string>(
            [vector.Select(d => d.Document).ToArray(), lexical.Select(d => d.Document).ToArray()], 10);

        Assert.That(hits.Select(h => h.Key), Is.EqualTo(new[] { "d2", "d1", "d3" }));
        Assert.That(hits[0].Score, Is.EqualTo(1.0 / 61 + 1.0 / 62).Within(1e-15));
        Assert.That(hits[1].Score, Is.EqualTo(hits[0].Score));
        Assert.That(hits[2].Score, Is.EqualTo(1.0 / 63).Within(1e-15));
        Assert.That(vector[0].BestChunk, Is.EqualTo(20UL));
    }

    [Test]
    public void RejectsBadArguments()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ReciprocalRankFusion.Fuse<int>([[1]], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ReciprocalRankFusion.Fuse<int>([[1]], 1, c: -1));
        Assert.Throws<ArgumentException>(() => ReciprocalRankFusion.Fuse<int>([null!], 1));
    }

    private static string[] Fillers(string prefix, int count) =>
        Enumerable.Range(0, count).Select(i => $"{prefix}{i}").ToArray();
}
