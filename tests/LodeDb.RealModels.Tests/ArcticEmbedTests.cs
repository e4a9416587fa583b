using LodeDb.Embeddings.Onnx;

namespace LodeDb.RealModels.Tests;

/// <summary>
/// snowflake-arctic-embed-xs as a custom <c>IEmbeddingGenerator</c> (an <see cref="OnnxTextEmbedder"/>
/// with CLS pooling and Snowflake's query prefix), not a preset: the route a user takes for any
/// BERT-family export.
/// </summary>
public sealed class ArcticEmbedTests
{
    /// <summary>recall@1 measured on the paraphrase set when written: 0.950 (57 of 60, 4-bit and unquantised alike), less 0.05 (3 questions) of margin.</summary>
    private const double MinimumRecall = 0.90;

    /// <summary>Near-identical maintenance tickets told apart only by their fault code.</summary>
    private static readonly string[] CodeTickets =
    [
        "Fault E1234: the heating pump lost pressure overnight.",
        "Fault E1243: the heating pump lost pressure this morning.",
        "Fault E1324: the heating pump lost pressure after a restart.",
        "Fault E1342: the heating pump dropped pressure overnight.",
        "Fault E1423: the heating pump lost its pressure at noon.",
        "Fault E1432: the heating pump lost pressure during the night.",
        "Fault E2134: the heating pump lost pressure again.",
        "Fault E2143: the heating pump pressure fell overnight.",
        "Fault E2314: the heating pump lost pressure twice.",
        "Fault E2341: the heating pump lost pressure early today.",
        "Fault E2413: the heating pump lost pressure late yesterday.",
        "Fault E2431: the heating pump lost pressure before dawn.",
    ];

    private static string CodeOf(int i) => CodeTickets[i].Substring("Fault ".Length, 5);

    [Test]
    public void TheParaphraseSetIsFoundWithClsPoolingAndTheQueryPrefix()
    {
        using OnnxTextEmbedder arctic = RealModels.OpenArctic();
        Assert.That(arctic.Dimension, Is.EqualTo(384));
        using var folder = new TestFolder();
        using var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { Embedder = arctic, ModelName = "snowflake-arctic-embed-xs" });
        db.AddMany(ParaphraseSet.Documents, ParaphraseSet.Ids, ParaphraseSet.Metadata);

        string?[] top1 = [.. db.SearchMany(ParaphraseSet.Queries, 1).Select(h => h.Count > 0 ? h[0].Id : null)];
        double recall = Retrieval.RecallAt1(top1);
        (float[][] documents, float[][] queries) = Retrieval.EmbedSet(arctic);
        int[] exact = Retrieval.ExactTop1(queries, documents);
        double exactRecall = Retrieval.RecallAt1([.. exact.Select(d => ParaphraseSet.Items[d].Id)]);

        // The prefix matters: the same questions embedded as documents (no prefix).
        float[][] unprefixed = arctic.Embed(ParaphraseSet.Queries);
        double recallWithoutPrefix = Retrieval.RecallAt1([.. Retrieval.ExactTop1(unprefixed, documents).Select(d => ParaphraseSet.Items[d].Id)]);
        TestContext.Out.WriteLine($"arctic-embed-xs: recall@1 {recall:F3} with the 4-bit index, {exactRecall:F3} unquantised, {recallWithoutPrefix:F3} unquantised without the query prefix");
        for (int i = 0; i < top1.Length; i++)
        {
            if (top1[i] != ParaphraseSet.Items[i].Id)
            {
                TestContext.Out.WriteLine($"  miss: '{ParaphraseSet.Items[i].Query}' -> {top1[i]} (wanted {ParaphraseSet.Items[i].Id})");
            }
        }

        Assert.That(recall, Is.GreaterThanOrEqualTo(MinimumRecall));
    }

    [Test]
    public void HybridFindsExactCodesTheVectorRankerMisses()
    {
        using OnnxTextEmbedder arctic = RealModels.OpenArctic();
        using var folder = new TestFolder();
        using var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { Embedder = arctic, ModelName = "snowflake-arctic-embed-xs" });
        string[] ids = [.. CodeTickets.Select((_, i) => $"ticket-{i}")];
        db.AddMany(CodeTickets, ids);
        db.AddMany(ParaphraseSet.Documents, ParaphraseSet.Ids);

        string[] queries = [.. CodeTickets.Select((_, i) => CodeOf(i))];
        IReadOnlyList<IReadOnlyList<SearchHit>> vectorTop = db.SearchMany(queries, 3, SearchMode.Vector);
        int vectorHits = vectorTop.Select((h, i) => h[0].Id == ids[i] ? 1 : 0).Sum();
        for (int i = 0; i < queries.Length; i++)
        {
            if (vectorTop[i][0].Id != ids[i])
            {
                SearchHit? target = vectorTop[i].FirstOrDefault(h => h.Id == ids[i]);
                TestContext.Out.WriteLine($"  vector miss: {queries[i]} -> {vectorTop[i][0].Id} {vectorTop[i][0].Score:F4}; the ticket {(target is null ? "is not in the top 3" : $"scores {target.Score:F4}")}");
            }
        }

        int lexicalHits = db.SearchMany(queries, 1, SearchMode.Lexical).Select((h, i) => h.Count > 0 && h[0].Id == ids[i] ? 1 : 0).Sum();
        int hybridHits = db.SearchMany(queries, 1, SearchMode.Hybrid).Select((h, i) => h[0].Id == ids[i] ? 1 : 0).Sum();
        string[] questions = [.. queries.Select(code => $"what went wrong in fault {code}?")];
        int hybridQuestionHits = db.SearchMany(questions, 1, SearchMode.Hybrid).Select((h, i) => h[0].Id == ids[i] ? 1 : 0).Sum();
        TestContext.Out.WriteLine($"arctic-embed-xs, {queries.Length} fault codes: top-1 vector {vectorHits}, lexical {lexicalHits}, hybrid {hybridHits}; hybrid on 'what went wrong in fault <code>?' {hybridQuestionHits}");

        Assert.That(vectorHits, Is.LessThan(queries.Length), "the vector ranker alone confuses near-identical tickets");
        Assert.That(hybridHits, Is.EqualTo(queries.Length), "hybrid finds every code");
        Assert.That(hybridQuestionHits, Is.EqualTo(queries.Length), "also inside a question");
    }
}
