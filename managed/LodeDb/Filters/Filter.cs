using System.Collections;
using System.Text.Json;

namespace LodeDb;

/// <summary>
/// A predicate over a row's metadata, pushed into the native scan as a slot bitmask.
/// Build one with the static methods and the <c>&amp;</c>, <c>|</c>, <c>!</c> operators, or parse a
/// JSON document with <see cref="Parse(string)"/> (<c>{"year": {"$gte": 2020}}</c>).
/// </summary>
/// <remarks>
/// Semantics follow the Mongo/Chroma shape: a comparison against a field that holds an array is
/// true when any element satisfies it; <c>Eq(key, null)</c> also matches a missing key;
/// <c>$ne</c> and <c>$nin</c> are the negations of <c>$eq</c> and <c>$in</c> (so they match rows
/// without the key); ordering operators compare numbers with numbers and strings with strings
/// (ordinal) and are false across types.
/// </remarks>
public abstract class Filter
{
    /// <summary>
    /// The deepest nesting accepted: each <c>$and</c>, <c>$or</c> and <c>$not</c> is a level over
    /// the field comparisons (<c>&amp;</c> and <c>|</c> chains are flattened, so they add none).
    /// A deeper filter is an <see cref="InvalidFilterException"/>, built in code or parsed.
    /// </summary>
    public const int MaxDepth = 32;

    private protected Filter(int depth)
    {
        if (depth > MaxDepth)
        {
            throw new InvalidFilterException($"The filter nests {depth} levels of $and / $or / $not; at most {MaxDepth} are allowed. Flatten it (an $and of $ands is one $and; $not of $not is the filter itself).");
        }

        Depth = depth;
    }

    /// <summary>Levels of this filter: 1 for a field comparison, one more for each $and / $or / $not above it.</summary>
    internal int Depth { get; }

    /// <summary>True when the row's metadata satisfies the filter.</summary>
    public abstract bool Matches(IReadOnlyDictionary<string, object?> metadata);

    /// <summary><paramref name="key"/> equals <paramref name="value"/> (or an array field contains it).</summary>
    public static Filter Eq(string key, object? value) => new FieldFilter(FieldOp.Eq, CheckKey(key), Scalar(key, value));

    /// <summary>Negation of <see cref="Eq"/>.</summary>
    public static Filter Ne(string key, object? value) => new FieldFilter(FieldOp.Ne, CheckKey(key), Scalar(key, value));

    /// <summary><paramref name="key"/> &gt; <paramref name="value"/>.</summary>
    public static Filter Gt(string key, object value) => new FieldFilter(FieldOp.Gt, CheckKey(key), Ordered(key, value));

    /// <summary><paramref name="key"/> &gt;= <paramref name="value"/>.</summary>
    public static Filter Gte(string key, object value) => new FieldFilter(FieldOp.Gte, CheckKey(key), Ordered(key, value));

    /// <summary><paramref name="key"/> &lt; <paramref name="value"/>.</summary>
    public static Filter Lt(string key, object value) => new FieldFilter(FieldOp.Lt, CheckKey(key), Ordered(key, value));

    /// <summary><paramref name="key"/> &lt;= <paramref name="value"/>.</summary>
    public static Filter Lte(string key, object value) => new FieldFilter(FieldOp.Lte, CheckKey(key), Ordered(key, value));

    /// <summary><paramref name="key"/> equals one of <paramref name="values"/>.</summary>
    public static Filter In(string key, IEnumerable values) => new FieldFilter(FieldOp.In, CheckKey(key), List(key, values));

    /// <summary><paramref name="key"/> equals none of <paramref name="values"/> (true when the key is missing).</summary>
    public static Filter Nin(string key, IEnumerable values) => new FieldFilter(FieldOp.Nin, CheckKey(key), List(key, values));

    /// <summary>The key is present (<paramref name="exists"/> true) or absent (false).</summary>
    public static Filter Exists(string key, bool exists = true) => new FieldFilter(FieldOp.Exists, CheckKey(key), exists);

    /// <summary>All of <paramref name="filters"/> (an <c>And</c> among them is merged into this one).</summary>
    public static Filter And(params Filter[] filters) => new AndFilter(Flatten<AndFilter>(CheckList(filters, "$and")));

    /// <summary>Any of <paramref name="filters"/> (an <c>Or</c> among them is merged into this one).</summary>
    public static Filter Or(params Filter[] filters) => new OrFilter(Flatten<OrFilter>(CheckList(filters, "$or")));

    /// <summary>Negation of <paramref name="filter"/>.</summary>
    public static Filter Not(Filter filter) => new NotFilter(filter ?? throw new ArgumentNullException(nameof(filter)));

    /// <summary>Both filters.</summary>
    public static Filter operator &(Filter left, Filter right) => And(left, right);

    /// <summary>Either filter.</summary>
    public static Filter operator |(Filter left, Filter right) => Or(left, right);

    /// <summary>Negation.</summary>
    public static Filter operator !(Filter filter) => Not(filter);

    /// <summary>
    /// Parses a JSON filter document such as <c>{"year": {"$gte": 2020}, "genre": {"$in": ["a", "b"]}}</c>.
    /// Throws <see cref="InvalidFilterException"/> naming the offending part.
    /// </summary>
    public static Filter Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            // Deep enough for MaxDepth filter levels ($and, array, object per level), so a too
            // deep filter gets the filter's own message rather than the JSON reader's.
            using JsonDocument document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 4 * MaxDepth + 8 });
            return FilterParser.Parse(document.RootElement);
        }
        catch (JsonException ex)
        {
            throw new InvalidFilterException($"The filter is not valid JSON: {ex.Message}", ex);
        }
    }

    /// <summary>Parses a filter document already held as a <see cref="JsonElement"/>.</summary>
    public static Filter Parse(JsonElement document) => FilterParser.Parse(document);

    private static string CheckKey(string key)
    {
        if (string.IsNullOrEmpty(key))
        {
            throw new InvalidFilterException("A filter key must be a non-empty metadata key.");
        }

        if (key.StartsWith('$'))
        {
            throw new InvalidFilterException($"'{key}' is not a metadata key; operators go inside a field, e.g. {{\"year\": {{\"$gte\": 2020}}}}. Supported operators: {FilterParser.OperatorList}.");
        }

        return key;
    }

    private static object? Scalar(string key, object? value)
    {
        if (value is not null and not string and (IEnumerable or JsonElement { ValueKind: JsonValueKind.Array }))
        {
            throw new InvalidFilterException($"The filter on '{key}' compares with an array; use $in / Filter.In to match any of several values.");
        }

        if (value is JsonElement { ValueKind: JsonValueKind.Object })
        {
            throw new InvalidFilterException($"The filter on '{key}' compares with an object; metadata values are scalars or arrays of scalars.");
        }

        try
        {
            return MetadataCodec.NormalizeValue(key, value, "filter", allowArray: false);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidFilterException(ex.Message, ex);
        }
    }

    private static object Ordered(string key, object value)
    {
        object? scalar = Scalar(key, value);
        if (scalar is not (long or double or string))
        {
            throw new InvalidFilterException($"The range filter on '{key}' needs a number or a string, not {(scalar is null ? "null" : scalar.GetType().Name)}.");
        }

        return scalar;
    }

    private static object?[] List(string key, IEnumerable values)
    {
        if (values is null or string)
        {
            throw new InvalidFilterException($"$in / $nin on '{key}' needs an array of values.");
        }

        var list = new List<object?>();
        foreach (object? value in values)
        {
            list.Add(Scalar(key, value));
        }

        if (list.Count == 0)
        {
            throw new InvalidFilterException($"$in / $nin on '{key}' got an empty list: $in [] would match no row and $nin [] every row. Give at least one value, or drop the condition.");
        }

        return list.ToArray();
    }

    private static Filter[] CheckList(Filter[] filters, string op)
    {
        ArgumentNullException.ThrowIfNull(filters);
        if (filters.Length == 0)
        {
            throw new InvalidFilterException($"{op} needs at least one filter.");
        }

        foreach (Filter f in filters)
        {
            if (f is null)
            {
                throw new InvalidFilterException($"{op} holds a null filter.");
            }
        }

        return (Filter[])filters.Clone();
    }

    /// <summary>Merges nested filters of the same kind (an And inside an And), so chains built with &amp; or | stay one level deep.</summary>
    private static Filter[] Flatten<T>(Filter[] filters)
        where T : CompoundFilter
    {
        if (!filters.Any(f => f is T))
        {
            return filters;
        }

        var merged = new List<Filter>();
        foreach (Filter f in filters)
        {
            if (f is T same)
            {
                merged.AddRange(same.Parts);
            }
            else
            {
                merged.Add(f);
            }
        }

        return merged.ToArray();
    }
}

internal enum FieldOp
{
    Eq,
    Ne,
    Gt,
    Gte,
    Lt,
    Lte,
    In,
    Nin,
    Exists,
}

internal sealed class FieldFilter(FieldOp op, string key, object? operand) : Filter(1)
{
    public override bool Matches(IReadOnlyDictionary<string, object?> metadata)
    {
        bool found = metadata.TryGetValue(key, out object? value);
        switch (op)
        {
            case FieldOp.Exists:
                return found == (bool)operand!;
            case FieldOp.Eq:
                return EqualsAny(found, value, operand);
            case FieldOp.Ne:
                return !EqualsAny(found, value, operand);
            case FieldOp.In:
                return InList(found, value, (object?[])operand!);
            case FieldOp.Nin:
                return !InList(found, value, (object?[])operand!);
            default:
                if (!found)
                {
                    return false;
                }

                if (value is IReadOnlyList<object?> items)
                {
                    foreach (object? item in items)
                    {
                        if (Ordered(item))
                        {
                            return true;
                        }
                    }

                    return false;
                }

                return Ordered(value);
        }
    }

    private bool Ordered(object? value)
    {
        int? c = MetadataComparer.Compare(value, operand);
        return c is int cmp && op switch
        {
            FieldOp.Gt => cmp > 0,
            FieldOp.Gte => cmp >= 0,
            FieldOp.Lt => cmp < 0,
            _ => cmp <= 0,
        };
    }

    private static bool InList(bool found, object? value, object?[] list)
    {
        foreach (object? candidate in list)
        {
            if (EqualsAny(found, value, candidate))
            {
                return true;
            }
        }

        return false;
    }

    private static bool EqualsAny(bool found, object? value, object? operand)
    {
        if (!found)
        {
            return operand is null;
        }

        if (value is IReadOnlyList<object?> items)
        {
            foreach (object? item in items)
            {
                if (MetadataComparer.ScalarEquals(item, operand))
                {
                    return true;
                }
            }

            return false;
        }

        return MetadataComparer.ScalarEquals(value, operand);
    }
}

/// <summary>An $and or $or over its parts: one level above its deepest part.</summary>
internal abstract class CompoundFilter(Filter[] parts) : Filter(1 + parts.Max(p => p.Depth))
{
    public Filter[] Parts { get; } = parts;
}

internal sealed class AndFilter(Filter[] parts) : CompoundFilter(parts)
{
    public override bool Matches(IReadOnlyDictionary<string, object?> metadata)
    {
        foreach (Filter part in Parts)
        {
            if (!part.Matches(metadata))
            {
                return false;
            }
        }

        return true;
    }
}

internal sealed class OrFilter(Filter[] parts) : CompoundFilter(parts)
{
    public override bool Matches(IReadOnlyDictionary<string, object?> metadata)
    {
        foreach (Filter part in Parts)
        {
            if (part.Matches(metadata))
            {
                return true;
            }
        }

        return false;
    }
}

internal sealed class NotFilter(Filter inner) : Filter(1 + inner.Depth)
{
    public override bool Matches(IReadOnlyDictionary<string, object?> metadata) => !inner.Matches(metadata);
}
