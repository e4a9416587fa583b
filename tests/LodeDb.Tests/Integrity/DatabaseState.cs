using System.Globalization;
using System.Text;

namespace LodeDb.Tests;

/// <summary>
/// Everything a user can read back from a database, as one canonical string: every row's id,
/// metadata (with each value's .NET type), text, and the exact scores of a few full searches.
/// Two states are equal only when the reads would be.
/// </summary>
internal static class DatabaseState
{
    public static string Of(LodeDatabase db, int dim)
    {
        var text = new StringBuilder();
        foreach (LodeRecord row in db.List(take: int.MaxValue).OrderBy(r => r.Id, StringComparer.Ordinal))
        {
            text.Append(row.Id).Append(" | ");
            AppendMetadata(text, row.Metadata);
            text.Append(" | ").Append(db.GetText(row.Id) ?? "<none>").Append('\n');
        }

        for (int q = 0; q < 3; q++)
        {
            foreach (SearchHit hit in db.SearchByVector(Vectors.Random(new Random(1000 + q), dim), 1000))
            {
                text.Append(hit.Id).Append(':').Append(hit.Score.ToString("R", CultureInfo.InvariantCulture)).Append(' ');
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    private static void AppendMetadata(StringBuilder text, IReadOnlyDictionary<string, object?> metadata)
    {
        foreach ((string key, object? value) in metadata.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            text.Append(key).Append('=');
            AppendValue(text, value);
            text.Append(';');
        }
    }

    private static void AppendValue(StringBuilder text, object? value)
    {
        switch (value)
        {
            case null:
                text.Append("null");
                break;
            case IReadOnlyDictionary<string, object?> nested:
                text.Append('{');
                AppendMetadata(text, nested);
                text.Append('}');
                break;
            case string s:
                text.Append("string:").Append(s);
                break;
            case System.Collections.IEnumerable list:
                text.Append('[');
                foreach (object? item in list)
                {
                    AppendValue(text, item);
                    text.Append(',');
                }

                text.Append(']');
                break;
            default:
                text.Append(value.GetType().Name).Append(':').Append(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }
}
