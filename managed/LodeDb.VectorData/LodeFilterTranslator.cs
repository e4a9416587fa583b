using System.Collections;
using System.Globalization;
using System.Linq.Expressions;
using Microsoft.Extensions.VectorData.ProviderServices;
using Microsoft.Extensions.VectorData.ProviderServices.Filter;

namespace LodeDb.VectorData;

/// <summary>
/// Translates a LINQ filter over records into a LodeDb <see cref="Filter"/> on metadata:
/// <c>==</c> <c>!=</c> <c>&lt;</c> <c>&lt;=</c> <c>&gt;</c> <c>&gt;=</c> <c>&amp;&amp;</c> <c>||</c> <c>!</c>,
/// a bool property alone, <c>array.Contains(r.Prop)</c> (to <c>$in</c>), <c>r.Tags.Contains(x)</c>
/// on a list property (any element equals), and null checks. Anything else is a
/// <see cref="NotSupportedException"/> naming the expression, before anything is searched.
/// <see cref="TranslateForGet"/> also takes conditions on the key (<c>r.Key == v</c>,
/// <c>keys.Contains(r.Key)</c>) as top-level <c>&amp;&amp;</c> terms: they become an id allow-list.
/// </summary>
internal sealed class LodeFilterTranslator : FilterTranslatorBase
{
    private const string KeyConditionsHint =
        "LodeDb maps a key condition only in GetAsync(filter, ...), as r.Key == value or keys.Contains(r.Key), alone or joined by && to the other conditions " +
        "(an id allow-list); its search filters metadata only. Get records by key with GetAsync(key) or GetAsync(keys).";

    /// <summary>The LodeDb filter for <paramref name="filter"/>; null when it is the constant <c>true</c> (every row).</summary>
    public static Filter? Translate(LambdaExpression filter, CollectionModel model)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var translator = new LodeFilterTranslator();
        // Without parameterization, captured variables are evaluated into constants here.
        Expression body = translator.PreprocessFilter(filter, model, new FilterPreprocessingOptions { SupportsParameterization = false });
        if (body is ConstantExpression { Value: true })
        {
            return null;
        }

        return translator.Node(body);
    }

    /// <summary>
    /// As <see cref="Translate"/>, with key conditions among the top-level <c>&amp;&amp;</c> terms
    /// turned into an id allow-list (their intersection; empty when they exclude each other).
    /// </summary>
    public static (Filter? Metadata, IReadOnlySet<string>? Ids) TranslateForGet(LambdaExpression filter, CollectionModel model)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var translator = new LodeFilterTranslator();
        Expression body = translator.PreprocessFilter(filter, model, new FilterPreprocessingOptions { SupportsParameterization = false });
        if (body is ConstantExpression { Value: true })
        {
            return (null, null);
        }

        HashSet<string>? ids = null;
        var metadata = new List<Filter>();
        foreach (Expression term in Conjuncts(body))
        {
            if (translator.KeyValues(term) is IEnumerable<string> keys)
            {
                if (ids is null)
                {
                    ids = new HashSet<string>(keys, StringComparer.Ordinal);
                }
                else
                {
                    ids.IntersectWith(keys);
                }
            }
            else
            {
                metadata.Add(translator.Node(term));
            }
        }

        Filter? rest = metadata.Count switch
        {
            0 => null,
            1 => metadata[0],
            _ => Filter.And([.. metadata]),
        };
        return (rest, ids);
    }

    private static IEnumerable<Expression> Conjuncts(Expression node) =>
        node is BinaryExpression { NodeType: ExpressionType.AndAlso } and ? Conjuncts(and.Left).Concat(Conjuncts(and.Right)) : [node];

    /// <summary>The ids a key condition allows (<c>r.Key == v</c>, <c>v == r.Key</c>, <c>keys.Contains(r.Key)</c>), or null when <paramref name="term"/> is not one.</summary>
    private IEnumerable<string>? KeyValues(Expression term)
    {
        if (term is BinaryExpression { NodeType: ExpressionType.Equal } equal)
        {
            Expression? value = IsKey(equal.Left) ? equal.Right : IsKey(equal.Right) ? equal.Left : null;
            return value is null ? null : [KeyId(Constant(value, equal), equal)];
        }

        if (term is MethodCallExpression call && TryMatchContains(call, out Expression? source, out Expression? item) && IsKey(item))
        {
            IEnumerable values = source switch
            {
                // new[] { a, b } lists its elements; new T[n] (its bound) is not a list of values.
                NewArrayExpression { NodeType: ExpressionType.NewArrayInit } array => array.Expressions.Select(e => Constant(e, call)).ToArray(),
                _ => Constant(source, call) as IEnumerable ?? throw Unsupported(call),
            };
            return values.Cast<object?>().Select(value => KeyId(value, call)).ToArray();
        }

        return null;
    }

    private bool IsKey(Expression expression)
    {
        while (expression is UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.ConvertChecked } convert)
        {
            expression = convert.Operand;
        }

        return TryBindProperty(expression, out PropertyModel? property) && property is KeyPropertyModel;
    }

    private string KeyId(object? value, Expression whole) => value switch
    {
        null => throw new NotSupportedException($"The filter '{whole}' compares the key with null; a record's key is never null."),
        // A dynamic record's key is an object: a string for a Guid key would match no row.
        _ when value.GetType() != Model.KeyProperty.Type && value is string or Guid =>
            throw new NotSupportedException($"The filter '{whole}' compares the key with a {value.GetType().Name}; the key property '{Model.KeyProperty.ModelName}' is a {Model.KeyProperty.Type.Name}."),
        string s => s,
        Guid g => g.ToString("D"),
        _ => throw new NotSupportedException($"The filter '{whole}' compares the key with a {value.GetType().Name}; LodeDb keys are string or Guid."),
    };

    private Filter Node(Expression node) => node switch
    {
        BinaryExpression { NodeType: ExpressionType.AndAlso } b => Filter.And(Node(b.Left), Node(b.Right)),
        BinaryExpression { NodeType: ExpressionType.OrElse } b => Filter.Or(Node(b.Left), Node(b.Right)),
        BinaryExpression b => Comparison(b),
        UnaryExpression { NodeType: ExpressionType.Not } u => Negate(u.Operand),
        UnaryExpression { NodeType: ExpressionType.Convert } u when u.Type == typeof(bool) || u.Type == typeof(bool?) => Node(u.Operand),
        MethodCallExpression call => Call(call),
        // A bool property on its own: r => r.IsActive.
        _ when Bind(node) is PropertyModel property && MetadataValues.Underlying(property.Type) == typeof(bool) =>
            Filter.Eq(property.StorageName, true),
        _ => throw Unsupported(node),
    };

    private Filter Negate(Expression operand) => operand switch
    {
        // !(a == b) and !(a != b) flip the comparison, so null handling stays that of ==/!=.
        BinaryExpression { NodeType: ExpressionType.Equal } b => Comparison(Expression.NotEqual(b.Left, b.Right)),
        BinaryExpression { NodeType: ExpressionType.NotEqual } b => Comparison(Expression.Equal(b.Left, b.Right)),
        // !r.IsActive: the stored value is false (a missing or null value is not false).
        _ when Bind(operand) is PropertyModel property && MetadataValues.Underlying(property.Type) == typeof(bool) =>
            Filter.Eq(property.StorageName, false),
        _ => Filter.Not(Node(operand)),
    };

    private Filter Comparison(BinaryExpression binary)
    {
        ExpressionType op = binary.NodeType;
        PropertyModel? property = Bind(binary.Left);
        Expression other = binary.Right;
        if (property is null && Bind(binary.Right) is PropertyModel reversed)
        {
            // 8 < r.Int is r.Int > 8.
            property = reversed;
            other = binary.Left;
            op = op switch
            {
                ExpressionType.LessThan => ExpressionType.GreaterThan,
                ExpressionType.LessThanOrEqual => ExpressionType.GreaterThanOrEqual,
                ExpressionType.GreaterThan => ExpressionType.LessThan,
                ExpressionType.GreaterThanOrEqual => ExpressionType.LessThanOrEqual,
                _ => op,
            };
        }

        if (property is null)
        {
            throw new NotSupportedException($"The filter comparison '{binary}' compares no record property; LodeDb filters compare a data property with a value.");
        }

        object? operand = Constant(other, binary);
        string key = property.StorageName;
        if (operand is DateTime time && MetadataValues.Underlying(property.Type) == typeof(DateTime))
        {
            return DateTimeComparison(key, op, time) ?? throw Unsupported(binary);
        }

        object? value = MetadataValues.ToStored(operand);
        return op switch
        {
            ExpressionType.Equal => Filter.Eq(key, value),
            ExpressionType.NotEqual => Filter.Ne(key, value),
            ExpressionType.GreaterThan => Filter.Gt(key, NotNull(value, binary)),
            ExpressionType.GreaterThanOrEqual => Filter.Gte(key, NotNull(value, binary)),
            ExpressionType.LessThan => Filter.Lt(key, NotNull(value, binary)),
            ExpressionType.LessThanOrEqual => Filter.Lte(key, NotNull(value, binary)),
            _ => throw Unsupported(binary),
        };
    }

    /// <summary>
    /// A comparison of a DateTime property as C# makes it: by ticks, whatever the kinds. A stored
    /// value is its "O" string, the 27 characters of its clock time then its kind's suffix (none,
    /// "Z" or an offset), so every stored value of one clock time lies in [time, time + U+FFFF).
    /// </summary>
    private static Filter? DateTimeComparison(string key, ExpressionType op, DateTime time)
    {
        string from = time.ToString("O", CultureInfo.InvariantCulture)[..27];
        string past = from + '\uffff';
        return op switch
        {
            ExpressionType.Equal => Filter.And(Filter.Gte(key, from), Filter.Lt(key, past)),
            ExpressionType.NotEqual => Filter.Not(Filter.And(Filter.Gte(key, from), Filter.Lt(key, past))),
            ExpressionType.GreaterThan => Filter.Gt(key, past),
            ExpressionType.GreaterThanOrEqual => Filter.Gte(key, from),
            ExpressionType.LessThan => Filter.Lt(key, from),
            ExpressionType.LessThanOrEqual => Filter.Lt(key, past),
            _ => null,
        };
    }

    private Filter Call(MethodCallExpression call)
    {
        if (TryMatchContains(call, out Expression? source, out Expression? item))
        {
            // r.Tags.Contains("x"): a list property holding the value (LodeDb's equality on a list is "any element equals").
            if (Bind(source) is PropertyModel list)
            {
                if (MetadataValues.Underlying(list.Type) == typeof(string))
                {
                    throw new NotSupportedException($"The filter '{call}' is a substring test; LodeDb filters compare whole values (use ==, or hybrid search for words).");
                }

                return Filter.Eq(list.StorageName, MetadataValues.ToStored(Constant(item, call)));
            }

            // new[] { "a", "b" }.Contains(r.Prop) or a captured array/list: $in.
            if (Bind(item) is PropertyModel property)
            {
                IEnumerable values = source switch
                {
                    NewArrayExpression { NodeType: ExpressionType.NewArrayInit } array => array.Expressions.Select(e => Constant(e, call)).ToArray(),
                    _ => Constant(source, call) as IEnumerable ?? throw Unsupported(call),
                };
                object?[] operands = values.Cast<object?>().ToArray();
                if (operands.Length == 0)
                {
                    throw new NotSupportedException($"The filter '{call}' tests membership in an empty list, which matches no record; drop the condition or give at least one value.");
                }

                if (MetadataValues.Underlying(property.Type) == typeof(DateTime))
                {
                    return Filter.Or([.. operands.Select(v => v is DateTime t ? DateTimeComparison(property.StorageName, ExpressionType.Equal, t)! : Filter.Eq(property.StorageName, v))]);
                }

                return Filter.In(property.StorageName, operands.Select(MetadataValues.ToStored).ToArray());
            }
        }

        throw Unsupported(call);
    }

    /// <summary>The bound data property of an expression (a member access or a dictionary lookup of the record), or null.</summary>
    private PropertyModel? Bind(Expression expression)
    {
        Expression whole = expression;
        while (expression is UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.ConvertChecked } convert)
        {
            expression = convert.Operand;
        }

        if (!TryBindProperty(expression, out PropertyModel? property))
        {
            return null;
        }

        CheckPropertyCasts(whole);

        if (property is KeyPropertyModel)
        {
            throw new NotSupportedException($"The filter uses the key property '{property.ModelName}' where LodeDb cannot map it. {KeyConditionsHint}");
        }

        if (property is VectorPropertyModel)
        {
            throw new NotSupportedException($"The filter uses the vector property '{property.ModelName}'; only data properties can be filtered.");
        }

        return property;
    }

    private static object? Constant(Expression expression, Expression whole) => expression switch
    {
        // A cast the preprocessor left around a captured value, e.g. (int)x: its value is the cast's result.
        UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.ConvertChecked } convert => FilterCasts.Apply(Constant(convert.Operand, whole), convert, whole),
        ConstantExpression constant => constant.Value,
        QueryParameterExpression parameter => parameter.Value,
        _ => throw new NotSupportedException($"The filter '{whole}' compares with '{expression}', which is not a value; LodeDb filters compare a data property with a constant or a captured variable."),
    };

    /// <summary>
    /// A cast of a property compares the cast value, which LodeDb does not compute: only casts
    /// that keep every value (nullable, object, implicit numeric widening) may be looked through.
    /// </summary>
    private static void CheckPropertyCasts(Expression expression)
    {
        while (expression is UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.ConvertChecked } convert)
        {
            if (!FilterCasts.KeepsValue(convert))
            {
                throw new NotSupportedException(
                    $"The filter casts a record property: '{convert}' converts {convert.Operand.Type.Name} to {convert.Type.Name}, which changes the value compared; " +
                    "LodeDb filters compare the stored value. Compare the property without the cast.");
            }

            expression = convert.Operand;
        }
    }

    private static object NotNull(object? value, Expression whole) =>
        value ?? throw new NotSupportedException($"The filter '{whole}' orders against null; use == null or != null.");

    private static NotSupportedException Unsupported(Expression node) =>
        new($"The filter expression '{node}' ({node.NodeType}) is not supported by LodeDb. Supported: ==, !=, <, <=, >, >=, &&, ||, !, a bool property, array.Contains(r.Property), r.ListProperty.Contains(value), == null and != null.");
}
