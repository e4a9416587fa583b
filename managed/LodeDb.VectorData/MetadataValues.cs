using System.Collections;
using System.Globalization;

namespace LodeDb.VectorData;

/// <summary>
/// Converts data property values to LodeDb metadata values and back, by the property's declared
/// .NET type, without reflection (so records read back with their types under NativeAOT too).
/// LodeDb keeps string, long, double, bool, null and lists of those; the other types travel as
/// strings in a fixed invariant form: Guid "D", DateTime and DateTimeOffset round-trip "O",
/// DateOnly "yyyy-MM-dd". Filters compare a DateTime by the clock-time part of its string (as C#
/// compares ticks, whatever the kind); DateTimeOffset strings compare in time order only when
/// the values share one offset.
/// </summary>
internal static class MetadataValues
{
    public const string SupportedTypes =
        "string, bool, int, long, short, byte, float, double, Guid, DateTime, DateTimeOffset, DateOnly (and their nullable forms), " +
        "and arrays or List<T> of string, int, long, float, double, bool";

    private static readonly Type[] Scalars =
    [
        typeof(string), typeof(bool), typeof(int), typeof(long), typeof(short), typeof(byte), typeof(float), typeof(double),
        typeof(Guid), typeof(DateTime), typeof(DateTimeOffset), typeof(DateOnly),
    ];

    private static readonly Type[] Elements = [typeof(string), typeof(int), typeof(long), typeof(float), typeof(double), typeof(bool)];

    /// <summary>The type without its <see cref="Nullable{T}"/> wrapper.</summary>
    public static Type Underlying(Type type) => Nullable.GetUnderlyingType(type) ?? type;

    public static bool IsSupported(Type type) =>
        Scalars.Contains(Underlying(type)) || ElementType(type) is not null;

    /// <summary>The element type of a supported collection type (T[] or List&lt;T&gt;), else null.</summary>
    private static Type? ElementType(Type type)
    {
        Type? element = type.IsArray ? type.GetElementType()
            : type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>) ? type.GetGenericArguments()[0]
            : null;
        return element is not null && Elements.Contains(element) ? element : null;
    }

    /// <summary>The metadata value stored for a property value (also the operand of a filter on it).</summary>
    public static object? ToStored(object? value) => value switch
    {
        Guid g => g.ToString("D"),
        DateTime t => t.ToString("O", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.ToString("O", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        _ => value,
    };

    /// <summary>
    /// The property value for a stored metadata value, as <paramref name="type"/>. A value that
    /// does not fit the type (another program wrote it) is a typed error naming the property.
    /// </summary>
    public static object? FromStored(object? stored, Type type, string property)
    {
        if (stored is null)
        {
            return null;
        }

        try
        {
            Type scalar = Underlying(type);
            if (ElementType(type) is Type element)
            {
                var items = stored as IReadOnlyList<object?> ?? throw Mismatch(stored, type, property);
                return type.IsArray ? ToArray(items, element, property) : ToList(items, element, property);
            }

            return Scalar(stored, scalar, property);
        }
        catch (Exception ex) when (ex is FormatException or OverflowException or InvalidCastException)
        {
            throw new InvalidOperationException($"The stored value of '{property}' ({stored}) cannot be read as {type.Name}.", ex);
        }
    }

    private static object Scalar(object stored, Type type, string property)
    {
        if (type == typeof(string))
        {
            return stored as string ?? throw Mismatch(stored, type, property);
        }

        if (type == typeof(bool))
        {
            return stored is bool b ? b : throw Mismatch(stored, type, property);
        }

        if (type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(byte))
        {
            long l = stored is long v ? v : throw Mismatch(stored, type, property);
            // Boxed on each branch: a conditional expression would widen every branch to long.
            if (type == typeof(int))
            {
                return checked((int)l);
            }

            if (type == typeof(short))
            {
                return checked((short)l);
            }

            return type == typeof(byte) ? checked((byte)l) : (object)l;
        }

        if (type == typeof(double) || type == typeof(float))
        {
            double d = stored switch
            {
                double v => v,
                long v => v, // an integral double may come back from JSON as an integer
                _ => throw Mismatch(stored, type, property),
            };
            return type == typeof(double) ? d : (object)(float)d;
        }

        string text = stored as string ?? throw Mismatch(stored, type, property);
        if (type == typeof(Guid))
        {
            return Guid.ParseExact(text, "D");
        }

        if (type == typeof(DateTime))
        {
            return DateTime.ParseExact(text, "O", CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
        }

        if (type == typeof(DateTimeOffset))
        {
            return DateTimeOffset.ParseExact(text, "O", CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
        }

        if (type == typeof(DateOnly))
        {
            return DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        }

        throw Mismatch(stored, type, property);
    }

    private static object ToArray(IReadOnlyList<object?> items, Type element, string property)
    {
        if (element == typeof(string))
        {
            return items.Select(i => (string)Scalar(i!, element, property)).ToArray();
        }

        if (element == typeof(int))
        {
            return items.Select(i => (int)Scalar(i!, element, property)).ToArray();
        }

        if (element == typeof(long))
        {
            return items.Select(i => (long)Scalar(i!, element, property)).ToArray();
        }

        if (element == typeof(float))
        {
            return items.Select(i => (float)Scalar(i!, element, property)).ToArray();
        }

        if (element == typeof(double))
        {
            return items.Select(i => (double)Scalar(i!, element, property)).ToArray();
        }

        return items.Select(i => (bool)Scalar(i!, element, property)).ToArray();
    }

    private static IList ToList(IReadOnlyList<object?> items, Type element, string property)
    {
        if (element == typeof(string))
        {
            return items.Select(i => (string)Scalar(i!, element, property)).ToList();
        }

        if (element == typeof(int))
        {
            return items.Select(i => (int)Scalar(i!, element, property)).ToList();
        }

        if (element == typeof(long))
        {
            return items.Select(i => (long)Scalar(i!, element, property)).ToList();
        }

        if (element == typeof(float))
        {
            return items.Select(i => (float)Scalar(i!, element, property)).ToList();
        }

        if (element == typeof(double))
        {
            return items.Select(i => (double)Scalar(i!, element, property)).ToList();
        }

        return items.Select(i => (bool)Scalar(i!, element, property)).ToList();
    }

    private static InvalidCastException Mismatch(object? stored, Type type, string property) =>
        new($"The stored value of '{property}' is {(stored is null ? "null" : $"a {stored.GetType().Name}")}, which does not convert to {type.Name}.");
}
