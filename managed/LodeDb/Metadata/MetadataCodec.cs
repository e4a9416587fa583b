using System.Collections;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Text.Json;

namespace LodeDb;

/// <summary>
/// Validates caller metadata and converts it to the canonical form kept in memory and on disk:
/// values are <see cref="string"/>, <see cref="long"/> (integers), <see cref="double"/>,
/// <see cref="bool"/>, <c>null</c>, or a read-only list of those scalars.
/// </summary>
internal static class MetadataCodec
{
    public static readonly IReadOnlyDictionary<string, object?> Empty =
        new ReadOnlyDictionary<string, object?>(new Dictionary<string, object?>(StringComparer.Ordinal));

    /// <summary>
    /// Validated canonical copy of the metadata of item <paramref name="item"/> of a write; keys
    /// and string values must be well-formed UTF-16 (<see cref="IllFormedStringException"/>).
    /// </summary>
    public static IReadOnlyDictionary<string, object?> Normalize(IReadOnlyDictionary<string, object?>? metadata, string argumentName, int item = 0)
    {
        if (metadata is null || metadata.Count == 0)
        {
            return Empty;
        }

        var copy = new Dictionary<string, object?>(metadata.Count, StringComparer.Ordinal);
        foreach (var (key, value) in metadata)
        {
            if (string.IsNullOrEmpty(key))
            {
                throw new ArgumentException($"Metadata keys must be non-empty strings (item {item}).", argumentName);
            }

            if (key.StartsWith('$'))
            {
                throw new ArgumentException($"Metadata key '{key}' starts with '$', which is reserved for filter operators. Rename the key.", argumentName);
            }

            StringValidation.WellFormed(key, "metadata key", item, argumentName);
            object? normalized = NormalizeValue(key, value, argumentName, allowArray: true, item);
            CheckStrings(key, normalized, argumentName, item);
            copy[key] = normalized;
        }

        return new ReadOnlyDictionary<string, object?>(copy);
    }

    private static void CheckStrings(string key, object? value, string argumentName, int item)
    {
        if (value is string s)
        {
            StringValidation.WellFormed(s, $"metadata value of '{key}'", item, argumentName);
        }
        else if (value is IReadOnlyDictionary<string, object?> nested)
        {
            foreach ((string childKey, object? child) in nested)
            {
                StringValidation.WellFormed(childKey, $"metadata key '{key}.{childKey}'", item, argumentName);
                CheckStrings($"{key}.{childKey}", child, argumentName, item);
            }
        }
        else if (value is IReadOnlyList<object?> list)
        {
            for (int i = 0; i < list.Count; i++)
            {
                if (list[i] is string element)
                {
                    StringValidation.WellFormed(element, $"metadata value of '{key}'[{i}]", item, argumentName);
                }
            }
        }
    }

    /// <summary>Deepest nesting of objects inside a metadata value (a guard for recursion and the reader).</summary>
    public const int MaxNestingDepth = 16;

    /// <summary>
    /// Canonical form of one value; throws naming the key for anything not JSON-like.
    /// <paramref name="allowArray"/>: containers (arrays of scalars, nested objects) are allowed
    /// here (a stored value, not an array element or a filter operand).
    /// </summary>
    public static object? NormalizeValue(string key, object? value, string argumentName, bool allowArray, int item = 0, int depth = 0)
    {
        switch (value)
        {
            case null:
                return null;
            case string s:
                return s;
            case bool b:
                return b;
            case sbyte or byte or short or ushort or int or uint or long:
                return Convert.ToInt64(value, CultureInfo.InvariantCulture);
            case ulong u when u <= long.MaxValue:
                return (long)u;
            case ulong u:
                throw new ArgumentException($"Metadata key '{key}' holds {u}, beyond the 64-bit signed integer range; integers are stored as long. Store it as a string to keep it exact.", argumentName);
            case float or double or decimal:
                {
                    double d = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                    if (!double.IsFinite(d))
                    {
                        throw new ArgumentException($"Metadata key '{key}' holds {d}; only finite numbers can be stored (JSON has no NaN or Infinity).", argumentName);
                    }

                    return d;
                }
            case JsonElement element:
                return FromJson(key, element, argumentName, allowArray, item, depth);
            case IReadOnlyDictionary<string, object?> nested when allowArray:
                return NormalizeObject(key, nested, argumentName, item, depth);
            case IDictionary nested when allowArray:
                {
                    var entries = new Dictionary<string, object?>(StringComparer.Ordinal);
                    foreach (DictionaryEntry entry in nested)
                    {
                        entries[entry.Key as string ?? throw new ArgumentException($"Metadata key '{key}' holds an object whose keys are not strings.", argumentName)] = entry.Value;
                    }

                    return NormalizeObject(key, entries, argumentName, item, depth);
                }
            case IDictionary or IReadOnlyDictionary<string, object?>:
                throw new ArgumentException($"Metadata key '{key}' holds an object where only a scalar fits; objects may be metadata values and object members, not array elements or filter operands.", argumentName);
            case IEnumerable sequence when allowArray:
                {
                    var items = new List<object?>();
                    foreach (object? element in sequence)
                    {
                        if (element is not null and not string and IEnumerable)
                        {
                            throw new ArgumentException($"Metadata key '{key}' holds a nested array or object in an array; arrays may only hold scalars (string, number, bool, null).", argumentName);
                        }

                        items.Add(NormalizeValue(key, element, argumentName, allowArray: false, item));
                    }

                    return items.AsReadOnly();
                }
            default:
                throw new ArgumentException(
                    $"Metadata key '{key}' holds a {value.GetType().Name}; metadata values must be string, number, bool, null or an array of those.",
                    argumentName);
        }
    }

    /// <summary>A nested object: members checked like top-level keys, values like stored values.</summary>
    private static IReadOnlyDictionary<string, object?> NormalizeObject(string key, IEnumerable<KeyValuePair<string, object?>> members, string argumentName, int item, int depth)
    {
        if (depth >= MaxNestingDepth)
        {
            throw new ArgumentException($"Metadata key '{key}' nests objects deeper than {MaxNestingDepth} levels.", argumentName);
        }

        var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach ((string childKey, object? child) in members)
        {
            if (string.IsNullOrEmpty(childKey) || childKey.StartsWith('$'))
            {
                throw new ArgumentException($"Metadata key '{key}' holds an object with the key '{childKey}': object keys must be non-empty and not start with '$'.", argumentName);
            }

            StringValidation.WellFormed(childKey, $"metadata key '{key}.{childKey}'", item, argumentName);
            if (!copy.TryAdd(childKey, NormalizeValue($"{key}.{childKey}", child, argumentName, allowArray: true, item, depth + 1)))
            {
                throw new ArgumentException($"Metadata key '{key}' holds an object with the key '{childKey}' twice.", argumentName);
            }
        }

        return new ReadOnlyDictionary<string, object?>(copy);
    }

    private static object? FromJson(string key, JsonElement element, string argumentName, bool allowArray, int item = 0, int depth = 0)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Null:
                return null;
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            case JsonValueKind.String:
                try
                {
                    return element.GetString();
                }
                catch (InvalidOperationException)
                {
                    // System.Text.Json refuses to decode an escaped lone surrogate ("\ud800").
                    throw new IllFormedStringException($"metadata value of '{key}'", item, -1, '\0', argumentName);
                }
            case JsonValueKind.Number:
                {
                    // Boxed on each branch: a `? l : d` conditional would widen every long to double.
                    if (element.TryGetInt64(out long l))
                    {
                        return l;
                    }

                    string raw = element.GetRawText();
                    if (raw.AsSpan().IndexOfAny('.', 'e', 'E') < 0)
                    {
                        throw new ArgumentException($"Metadata key '{key}' holds the integer {raw}, beyond the 64-bit signed integer range; integers are stored as long. Store it as a string to keep it exact.", argumentName);
                    }

                    if (!element.TryGetDouble(out double d) || !double.IsFinite(d))
                    {
                        throw new ArgumentException($"Metadata key '{key}' holds {raw}, which is not a finite double.", argumentName);
                    }

                    return d;
                }
            case JsonValueKind.Array when allowArray:
                {
                    var items = new List<object?>();
                    foreach (JsonElement child in element.EnumerateArray())
                    {
                        if (child.ValueKind is JsonValueKind.Array or JsonValueKind.Object)
                        {
                            throw new ArgumentException($"Metadata key '{key}' holds a nested {child.ValueKind}; arrays may only hold scalars (string, number, bool, null).", argumentName);
                        }

                        items.Add(FromJson(key, child, argumentName, allowArray: false, item, depth));
                    }

                    return items.AsReadOnly();
                }
            case JsonValueKind.Object when allowArray:
                {
                    var members = new List<KeyValuePair<string, object?>>();
                    foreach (JsonProperty property in element.EnumerateObject())
                    {
                        members.Add(new(property.Name, property.Value));
                    }

                    return NormalizeObject(key, members, argumentName, item, depth);
                }
            default:
                throw new ArgumentException(
                    $"Metadata key '{key}' holds a JSON {element.ValueKind}; metadata values must be string, number, bool, null or an array of those.",
                    argumentName);
        }
    }

    public static byte[] Serialize(IReadOnlyDictionary<string, object?> metadata)
    {
        if (metadata.Count == 0)
        {
            return [];
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in metadata)
            {
                writer.WritePropertyName(Checked(key));
                WriteValue(writer, value);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null: writer.WriteNullValue(); break;
            case string s: writer.WriteStringValue(Checked(s)); break;
            case bool b: writer.WriteBooleanValue(b); break;
            case long l: writer.WriteNumberValue(l); break;
            case double d:
                {
                    // Shortest round-trip text, always with a fraction or an exponent, so a double
                    // reads back as a double (3.0, not the long 3) with the same bits (-0.0 too).
                    string text = d.ToString("R", CultureInfo.InvariantCulture);
                    writer.WriteRawValue(text.AsSpan().IndexOfAny('.', 'E') < 0 ? text + ".0" : text);
                    break;
                }

            case IReadOnlyDictionary<string, object?> nested:
                writer.WriteStartObject();
                foreach ((string key, object? member) in nested)
                {
                    writer.WritePropertyName(Checked(key));
                    WriteValue(writer, member);
                }

                writer.WriteEndObject();
                break;
            case IReadOnlyList<object?> list:
                writer.WriteStartArray();
                foreach (object? item in list)
                {
                    WriteValue(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                throw new InvalidOperationException($"Non-canonical metadata value {value.GetType().Name}.");
        }
    }

    /// <summary>
    /// The backstop behind the API checks: the JSON writer would escape a lone surrogate as
    /// "\ud800", which no reader accepts back, so such a string is never written.
    /// </summary>
    private static string Checked(string value) =>
        StringValidation.FindLoneSurrogate(value) < 0 ? value : throw new ArgumentException("Metadata holds a string with a lone surrogate; it cannot be stored and read back unchanged.");

    /// <summary>
    /// Parses bytes written by <see cref="Serialize"/>. Any defect (not JSON, not an object, a
    /// value of no metadata type, a duplicate key, an ill-formed string) is a
    /// <see cref="FormatException"/>, the caller's to report as corruption.
    /// </summary>
    public static IReadOnlyDictionary<string, object?> Deserialize(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
        {
            return Empty;
        }

        try
        {
            var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = MaxNestingDepth + 4 });
            using JsonDocument document = JsonDocument.ParseValue(ref reader);
            if (reader.BytesConsumed != utf8.Length)
            {
                throw new FormatException($"{utf8.Length - reader.BytesConsumed} bytes after the metadata object");
            }

            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("metadata is not a JSON object");
            }

            var result = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (JsonProperty property in document.RootElement.EnumerateObject())
            {
                string key = property.Name;
                if (key.Length == 0 || key.StartsWith('$') || StringValidation.FindLoneSurrogate(key) >= 0)
                {
                    throw new FormatException($"metadata key '{key}' could not have been written");
                }

                if (!result.TryAdd(key, FromJson(key, property.Value, "metadata", allowArray: true)))
                {
                    throw new FormatException($"metadata key '{key}' appears twice");
                }
            }

            return new ReadOnlyDictionary<string, object?>(result);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
        {
            throw new FormatException($"metadata: {ex.Message}", ex);
        }
    }
}
