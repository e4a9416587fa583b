using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.VectorData;
using Microsoft.Extensions.VectorData.ProviderServices;

namespace LodeDb.VectorData;

/// <summary>GetAsync with a filter: metadata conditions, key conditions (an id allow-list) and ordering by key.</summary>
public partial class LodeSpaceCollection<TKey, TRecord>
{
    /// <summary>
    /// Records matching <paramref name="filter"/>, after <see cref="FilteredRecordRetrievalOptions{TRecord}.Skip"/>,
    /// at most <paramref name="top"/>: in insertion order, or in ascending key order (ordinal, as
    /// <see cref="LodeDatabase.List(ListOptions)"/>) when the filter has key conditions
    /// (<c>r.Key == v</c>, <c>keys.Contains(r.Key)</c> as top-level <c>&amp;&amp;</c> terms) or
    /// <see cref="FilteredRecordRetrievalOptions{TRecord}.OrderBy"/> asks for the key ascending.
    /// Any other ordering is a <see cref="NotSupportedException"/>.
    /// </summary>
    public override async IAsyncEnumerable<TRecord> GetAsync(
        Expression<Func<TRecord, bool>> filter,
        int top,
        FilteredRecordRetrievalOptions<TRecord>? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        options ??= new FilteredRecordRetrievalOptions<TRecord>();
        ArgumentOutOfRangeException.ThrowIfNegative(options.Skip);
        bool keyOrder = OrdersByKey(options.OrderBy);
        (Filter? metadata, IReadOnlySet<string>? ids) = LodeFilterTranslator.TranslateForGet(filter, _model);
        cancellationToken.ThrowIfCancellationRequested();
        bool withVector = WantVectors(options.IncludeVectors);
        IReadOnlyList<LodeRecord> rows = ids is null && !keyOrder
            ? Run("Get", () => Space().List(metadata, options.Skip, top))
            : Run("Get", () => ListInKeyOrder(Space(), ids, metadata, options.Skip, top, cancellationToken));
        await Task.CompletedTask.ConfigureAwait(false);
        foreach (LodeRecord row in rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (ToRecord(row.Id, row.Metadata, withVector) is TRecord record)
            {
                yield return record;
            }
        }
    }

    /// <summary>
    /// True for an ordering by the key, ascending (what LodeDb's keyset listing gives); false for
    /// none; a <see cref="NotSupportedException"/> for anything else.
    /// </summary>
    private bool OrdersByKey(Func<FilteredRecordRetrievalOptions<TRecord>.OrderByDefinition, FilteredRecordRetrievalOptions<TRecord>.OrderByDefinition>? orderBy)
    {
        if (orderBy is null)
        {
            return false;
        }

        IReadOnlyList<FilteredRecordRetrievalOptions<TRecord>.OrderByDefinition.SortInfo> sorts = orderBy(new()).Values;
        if (sorts.Count == 0)
        {
            return false;
        }

        PropertyModel first = _model.GetDataOrKeyProperty(sorts[0].PropertySelector);
        if (sorts.Count == 1 && sorts[0].Ascending && first is KeyPropertyModel)
        {
            return true;
        }

        string asked = string.Join(", ", sorts.Select(sort => $"{_model.GetDataOrKeyProperty(sort.PropertySelector).ModelName} {(sort.Ascending ? "ascending" : "descending")}"));
        throw new NotSupportedException(
            $"OrderBy ({asked}) is not supported: LodeDb orders records only by their key, ascending (ordinal), through its keyset listing; " +
            "it keeps no index to sort by a data property or in descending order. Order by the key ascending, or sort the records you get.");
    }

    /// <summary>Pages through <see cref="LodeDatabase.List(ListOptions)"/> (ascending ids) until <paramref name="skip"/> + <paramref name="top"/> records.</summary>
    private static List<LodeRecord> ListInKeyOrder(LodeDatabase space, IReadOnlySet<string>? ids, Filter? filter, int skip, int top, CancellationToken cancellationToken)
    {
        var rows = new List<LodeRecord>(Math.Min(top, LodeDatabase.MaxListLimit));
        if (ids is { Count: 0 })
        {
            return rows;
        }

        long skipped = 0;
        string? after = null;
        do
        {
            long wanted = skip - skipped + top - rows.Count;
            ListPage page = space.List(new ListOptions { Ids = ids, Filter = filter, After = after, Limit = (int)Math.Min(LodeDatabase.MaxListLimit, wanted) });
            foreach (LodeRecord record in page.Records)
            {
                if (skipped < skip)
                {
                    skipped++;
                }
                else if (rows.Count < top)
                {
                    rows.Add(record);
                }
            }

            after = page.NextCursor;
            cancellationToken.ThrowIfCancellationRequested();
        }
        while (after is not null && rows.Count < top);
        return rows;
    }
}
