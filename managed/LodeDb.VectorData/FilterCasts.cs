using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;

namespace LodeDb.VectorData;

/// <summary>
/// The casts (Convert nodes) a LINQ filter holds: on a record property, whether the cast keeps
/// the stored value (so the filter may compare the stored value); on a captured value, the cast's
/// C# result (so <c>r.Int == (int)x</c> compares with what C# compares with).
/// </summary>
internal static class FilterCasts
{
    /// <summary>Numeric types in the order of C#'s implicit widening (each converts implicitly to every later one).</summary>
    private static readonly Type[] Widening = [typeof(byte), typeof(short), typeof(int), typeof(long), typeof(float), typeof(double)];

    private static readonly Type[] Integral =
        [typeof(sbyte), typeof(byte), typeof(short), typeof(ushort), typeof(int), typeof(uint), typeof(long), typeof(ulong)];

    private static readonly Type[] Numeric = [.. Integral, typeof(float), typeof(double), typeof(decimal)];

    /// <summary>True for a cast of a property that every stored value survives unchanged.</summary>
    public static bool KeepsValue(UnaryExpression convert)
    {
        if (convert.Method is not null)
        {
            return false; // a user-defined conversion (e.g. DateTime to DateTimeOffset) computes a new value
        }

        Type from = MetadataValues.Underlying(convert.Operand.Type);
        Type to = MetadataValues.Underlying(convert.Type);
        if (from == to || from == typeof(object) || to == typeof(object))
        {
            // Nullable lifting, boxing, and the unboxing a dynamic record's (int)r["Year"] is.
            return true;
        }

        int fromRank = Array.IndexOf(Widening, from);
        return fromRank >= 0 && Array.IndexOf(Widening, to) > fromRank;
    }

    /// <summary>The value of <paramref name="convert"/> applied to <paramref name="value"/>, as C# computes it; NotSupported when it cannot say.</summary>
    public static object? Apply(object? value, UnaryExpression convert, Expression whole)
    {
        Type to = MetadataValues.Underlying(convert.Type);
        if (value is null || to == typeof(object) || to.IsInstanceOfType(value))
        {
            return value;
        }

        try
        {
            if (convert.Method is MethodInfo method)
            {
                return method.Invoke(null, [value]);
            }

            if ((value is Enum || Numeric.Contains(value.GetType())) && Numeric.Contains(to))
            {
                // C# truncates toward zero when casting to an integer; Convert.ChangeType would round.
                object source = Integral.Contains(to)
                    ? value switch { double d => Math.Truncate(d), float f => MathF.Truncate(f), decimal m => decimal.Truncate(m), _ => value }
                    : value;
                return Convert.ChangeType(source, to, CultureInfo.InvariantCulture);
            }
        }
        catch (Exception ex) when (ex is OverflowException or TargetInvocationException)
        {
            throw new NotSupportedException($"The filter '{whole}' casts {value} to {to.Name}, which does not fit; give a value of the property's type.", ex);
        }

        throw new NotSupportedException($"The filter '{whole}' casts a {value.GetType().Name} to {to.Name}; give a value of the property's type.");
    }
}
