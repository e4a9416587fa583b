using System.Text.Json;

namespace LodeDb;

/// <summary>Turns a JSON filter document into a <see cref="Filter"/>.</summary>
internal static class FilterParser
{
    public const string OperatorList = "$eq $ne $gt $gte $lt $lte $in $nin $exists $and $or $not";

    public static Filter Parse(JsonElement document)
    {
        try
        {
            return Parse(document, 1);
        }
        catch (InvalidOperationException ex)
        {
            // System.Text.Json refuses to decode a key with an escaped lone surrogate ("\ud800").
            throw new InvalidFilterException($"The filter holds a string that is not well-formed UTF-16: {ex.Message}", ex);
        }
    }

    /// <summary>Parses the document at filter level <paramref name="depth"/>; refuses to go past <see cref="Filter.MaxDepth"/> before recursing.</summary>
    private static Filter Parse(JsonElement document, int depth)
    {
        CheckDepth(depth);
        if (document.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidFilterException($"A filter document must be a JSON object such as {{\"year\": {{\"$gte\": 2020}}}}, not a {document.ValueKind}.");
        }

        var parts = new List<Filter>();
        foreach (JsonProperty property in document.EnumerateObject())
        {
            parts.Add(property.Name switch
            {
                "$and" => Filter.And(ParseList(property, depth + 1)),
                "$or" => Filter.Or(ParseList(property, depth + 1)),
                "$not" => Filter.Not(Parse(property.Value, depth + 1)),
                _ when property.Name.StartsWith('$') => throw Unknown(property.Name, "at the top level"),
                _ => ParseField(property.Name, property.Value, depth),
            });
        }

        return parts.Count switch
        {
            0 => throw new InvalidFilterException("An empty filter document matches nothing in particular; pass no filter (null) to match every row."),
            1 => parts[0],
            _ => Filter.And(parts.ToArray()),
        };
    }

    private static void CheckDepth(int depth)
    {
        if (depth > Filter.MaxDepth)
        {
            throw new InvalidFilterException($"The filter document nests more than {Filter.MaxDepth} levels of $and / $or / $not; flatten it.");
        }
    }

    private static Filter[] ParseList(JsonProperty property, int depth)
    {
        if (property.Value.ValueKind != JsonValueKind.Array || property.Value.GetArrayLength() == 0)
        {
            throw new InvalidFilterException($"{property.Name} needs a non-empty array of filter documents.");
        }

        return property.Value.EnumerateArray().Select(element => Parse(element, depth)).ToArray();
    }

    private static Filter ParseField(string key, JsonElement value, int depth)
    {
        CheckDepth(depth);
        if (value.ValueKind != JsonValueKind.Object)
        {
            return Filter.Eq(key, value);
        }

        var parts = new List<Filter>();
        foreach (JsonProperty op in value.EnumerateObject())
        {
            JsonElement operand = op.Value;
            parts.Add(op.Name switch
            {
                "$eq" => Filter.Eq(key, operand),
                "$ne" => Filter.Ne(key, operand),
                "$gt" => Filter.Gt(key, operand),
                "$gte" => Filter.Gte(key, operand),
                "$lt" => Filter.Lt(key, operand),
                "$lte" => Filter.Lte(key, operand),
                "$in" => Filter.In(key, Array(key, op.Name, operand)),
                "$nin" => Filter.Nin(key, Array(key, op.Name, operand)),
                "$exists" => operand.ValueKind is JsonValueKind.True or JsonValueKind.False
                    ? Filter.Exists(key, operand.GetBoolean())
                    : throw new InvalidFilterException($"$exists on '{key}' needs true or false."),
                "$not" => Filter.Not(ParseField(
                    key,
                    operand.ValueKind == JsonValueKind.Object
                        ? operand
                        : throw new InvalidFilterException($"$not on '{key}' needs an operator object such as {{\"$gt\": 5}}."),
                    depth + 1)),
                _ => throw Unknown(op.Name, $"on '{key}'"),
            });
        }

        return parts.Count switch
        {
            0 => throw new InvalidFilterException($"The filter on '{key}' is an empty object; give an operator such as {{\"$eq\": ...}}."),
            1 => parts[0],
            _ => Filter.And(parts.ToArray()),
        };
    }

    private static List<JsonElement> Array(string key, string op, JsonElement operand)
    {
        if (operand.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidFilterException($"{op} on '{key}' needs an array of values.");
        }

        return operand.EnumerateArray().ToList();
    }

    private static InvalidFilterException Unknown(string op, string where) =>
        new($"Unknown filter operator '{op}' {where}. Supported operators: {OperatorList}.");
}
