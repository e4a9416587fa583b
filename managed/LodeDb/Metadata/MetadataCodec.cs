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

    public static IReadOnlyDictionary<string, object?> Normalize(IReadOnlyDictionary<string, object?>? metadata, string argumentName)
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
                throw new ArgumentException("Metadata keys must be non-empty strings.", argumentName);
            }

            if (key.StartsWith('$'))
            {
                throw new ArgumentException($"Metadata key '{key}' starts with '$', which is reserved for filter operators. Rename the key.", argumentName);
            }

            copy[key] = NormalizeValue(key, value, argumentName, allowArray: true);
        }

        return new ReadOnlyDictionary<string, object?>(copy);
    }

    /// <summary>Canonical form of one value; throws naming the key for anything not JSON-like.</summary>
    public static object? NormalizeValue(string key, object? value, string argumentName, bool allowArray)
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
            case ulong u:
                return u <= long.MaxValue ? (long)u : (double)u;
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
                return FromJson(key, element, argumentName, allowArray);
            case IDictionary:
                throw new ArgumentException($"Metadata key '{key}' holds a nested object; metadata values must be string, number, bool, null or an array of those (flatten it into several keys).", argumentName);
            case IEnumerable sequence when allowArray:
                {
                    var items = new List<object?>();
                    foreach (object? item in sequence)
                    {
                        if (item is not null and not string and IEnumerable)
                        {
                            throw new ArgumentException($"Metadata key '{key}' holds a nested array; arrays may only hold scalars (string, number, bool, null).", argumentName);
                        }

                        items.Add(NormalizeValue(key, item, argumentName, allowArray: false));
                    }

                    return items.AsReadOnly();
                }
            default:
                throw new ArgumentException(
                    $"Metadata key '{key}' holds a {value.GetType().Name}; metadata values must be string, number, bool, null or an array of those.",
                    argumentName);
        }
    }

    private static object? FromJson(string key, JsonElement element, string argumentName, bool allowArray)
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
                return element.GetString();
            case JsonValueKind.Number:
                return element.TryGetInt64(out long l) ? l : element.GetDouble();
            case JsonValueKind.Array when allowArray:
                {
                    var items = new List<object?>();
                    foreach (JsonElement item in element.EnumerateArray())
                    {
                        if (item.ValueKind is JsonValueKind.Array or JsonValueKind.Object)
                        {
                            throw new ArgumentException($"Metadata key '{key}' holds a nested {item.ValueKind}; arrays may only hold scalars (string, number, bool, null).", argumentName);
                        }

                        items.Add(FromJson(key, item, argumentName, allowArray: false));
                    }

                    return items.AsReadOnly();
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
                writer.WritePropertyName(key);
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
            case string s: writer.WriteStringValue(s); break;
            case bool b: writer.WriteBooleanValue(b); break;
            case long l: writer.WriteNumberValue(l); break;
            case double d:
                // Keep a double a double on reload: 3.0 would otherwise read back as the long 3.
                if (d == Math.Floor(d) && Math.Abs(d) < 1e15)
                {
                    writer.WriteRawValue(d.ToString("0.0", CultureInfo.InvariantCulture));
                }
                else
                {
                    writer.WriteNumberValue(d);
                }

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

    /// <summary>Parses bytes written by <see cref="Serialize"/>; a parse error is the caller's to report as corruption.</summary>
    public static IReadOnlyDictionary<string, object?> Deserialize(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
        {
            return Empty;
        }

        var reader = new Utf8JsonReader(utf8);
        using JsonDocument document = JsonDocument.ParseValue(ref reader);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("metadata is not a JSON object");
        }

        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (JsonProperty property in document.RootElement.EnumerateObject())
        {
            result[property.Name] = FromJson(property.Name, property.Value, "metadata", allowArray: true);
        }

        return new ReadOnlyDictionary<string, object?>(result);
    }
}
