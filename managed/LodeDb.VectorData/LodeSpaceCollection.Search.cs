using System.Runtime.CompilerServices;
using Microsoft.Extensions.VectorData;
using Microsoft.Extensions.VectorData.ProviderServices;

namespace LodeDb.VectorData;

/// <summary>Vector and hybrid search.</summary>
public partial class LodeSpaceCollection<TKey, TRecord>
{
    private static readonly VectorSearchOptions<TRecord> DefaultSearchOptions = new();
    private static readonly HybridSearchOptions<TRecord> DefaultHybridOptions = new();

    /// <summary>
    /// The <paramref name="top"/> records nearest to <paramref name="searchValue"/> (a vector, or
    /// an input the vector property's embedding generator takes, e.g. a string) among those
    /// matching <see cref="VectorSearchOptions{TRecord}.Filter"/>, best first, after
    /// <see cref="VectorSearchOptions{TRecord}.Skip"/>. Scores are cosine similarities of the
    /// quantized codes (exact cosines with a re-score sidecar), or 1 - cosine for CosineDistance.
    /// </summary>
    public override async IAsyncEnumerable<VectorSearchResult<TRecord>> SearchAsync<TInput>(
        TInput searchValue,
        int top,
        VectorSearchOptions<TRecord>? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(searchValue);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        options ??= DefaultSearchOptions;
        ArgumentOutOfRangeException.ThrowIfNegative(options.Skip);
        VectorPropertyModel vectorProperty = _model.GetVectorPropertyOrSingle(options);
        Filter? filter = options.Filter is null ? null : LodeFilterTranslator.Translate(options.Filter, _model);
        bool withVector = WantVectors(options.IncludeVectors);
        float[] query = await RecordEmbeddings.ForQueryAsync(vectorProperty, searchValue, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        // Past int.MaxValue there is nothing more to rank: every record is asked for.
        int k = (int)Math.Min(int.MaxValue, (long)top + options.Skip);
        IReadOnlyList<SearchHit> hits = Run("Search", () => Space().SearchByVector(query, k, filter));
        foreach (SearchHit hit in hits.Skip(options.Skip))
        {
            double score = DistanceScore.FromCosine(vectorProperty, hit.Score);
            if (!DistanceScore.Passes(vectorProperty, score, options.ScoreThreshold))
            {
                yield break; // best first: every later hit fails the threshold too
            }

            if (ToRecord(hit.Id, hit.Metadata, withVector) is TRecord record)
            {
                yield return new VectorSearchResult<TRecord>(record, score);
            }
        }
    }

    /// <summary>
    /// Hybrid search: the vector ranking of <paramref name="searchValue"/> fused by Reciprocal Rank
    /// Fusion (c = 60) with the BM25 ranking of <paramref name="keywords"/> over the full-text
    /// property, both under <see cref="HybridSearchOptions{TRecord}.Filter"/>. Scores are the fused
    /// RRF scores (higher is better); <see cref="HybridSearchOptions{TRecord}.ScoreThreshold"/> applies to them.
    /// </summary>
    public async IAsyncEnumerable<VectorSearchResult<TRecord>> HybridSearchAsync<TInput>(
        TInput searchValue,
        ICollection<string> keywords,
        int top,
        HybridSearchOptions<TRecord>? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where TInput : notnull
    {
        ArgumentNullException.ThrowIfNull(searchValue);
        ArgumentNullException.ThrowIfNull(keywords);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        options ??= DefaultHybridOptions;
        ArgumentOutOfRangeException.ThrowIfNegative(options.Skip);
        // Checks a named vector property: naming another property is an error, not the vector.
        VectorPropertyModel vectorProperty = _model.GetVectorPropertyOrSingle(new VectorSearchOptions<TRecord> { VectorProperty = options.VectorProperty });
        // Checks that the named (or single) full-text property exists; it is the row's caption.
        _model.GetFullTextDataPropertyOrSingle(options.AdditionalProperty);
        Filter? filter = options.Filter is null ? null : LodeFilterTranslator.Translate(options.Filter, _model);
        bool withVector = WantVectors(options.IncludeVectors);
        float[] query = await RecordEmbeddings.ForQueryAsync(vectorProperty, searchValue, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        int wanted = (int)Math.Min(int.MaxValue, (long)top + options.Skip);
        // Each ranker looks deeper than the page, so fusion sees rows one ranker places just below it.
        int depth = (int)Math.Min(int.MaxValue, Math.Max(wanted * 2L, wanted + 20L));
        string keywordQuery = string.Join(' ', keywords);
        (IReadOnlyList<SearchHit> vectorHits, IReadOnlyList<SearchHit> keywordHits) = Run("HybridSearch", () =>
        {
            LodeDatabase space = Space();
            return (space.SearchByVector(query, depth, filter),
                    keywordQuery.Length == 0 ? [] : space.Search(keywordQuery, depth, SearchMode.Lexical, filter, cancellationToken));
        });
        foreach ((SearchHit hit, double score) in HybridFusion.Fuse(vectorHits, keywordHits).Skip(options.Skip).Take(top))
        {
            if (options.ScoreThreshold is double threshold && score < threshold)
            {
                yield break;
            }

            if (ToRecord(hit.Id, hit.Metadata, withVector) is TRecord record)
            {
                yield return new VectorSearchResult<TRecord>(record, score);
            }
        }
    }
}
