using System.Globalization;

namespace LodeDb.Cli.Indexing;

/// <summary>
/// Parses <c>--metadata key=value</c>: a value that reads as an integer, a decimal number or
/// true/false is stored typed (so range filters such as <c>{"year": {"$gte": 2020}}</c> work);
/// everything else, numbers with a leading zero included (zip codes), as text.
/// </summary>
internal static class MetadataArguments
{
    /// <summary>Keys every indexed file gets; --metadata may not set them.</summary>
    public static IReadOnlyList<string> Reserved { get; } = ["path", "kind", "extension", "bytes"];

    public static Dictionary<string, object?> Parse(IReadOnlyList<string> pairs)
    {
        var metadata = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (string pair in pairs)
        {
            int equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new CliUsageException($"--metadata '{pair}' is not key=value.");
            }

            string key = pair[..equals].Trim();
            if (key.Length == 0 || key.StartsWith('$'))
            {
                throw new CliUsageException($"--metadata '{pair}': the key must be non-empty and not start with '$'.");
            }

            if (Reserved.Contains(key, StringComparer.Ordinal))
            {
                throw new CliUsageException($"--metadata '{pair}': '{key}' is set by lodedb index for every file ({string.Join(", ", Reserved)}); choose another key.");
            }

            if (!metadata.TryAdd(key, ParseValue(pair[(equals + 1)..])))
            {
                throw new CliUsageException($"--metadata sets '{key}' twice.");
            }
        }

        return metadata;
    }

    public static object ParseValue(string text)
    {
        // After an optional sign: "-05" and "+05" are as much text as "05".
        string unsigned = text.Length > 0 && text[0] is '-' or '+' ? text[1..] : text;
        bool leadingZero = unsigned.Length > 1 && unsigned[0] == '0' && char.IsAsciiDigit(unsigned[1]);
        if (!leadingZero && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long integer))
        {
            return integer;
        }

        // An integer too long for a long (a 20-digit id) stays text: as a double it would lose digits.
        bool integerText = text.TrimStart('-', '+').Length > 0 && text.TrimStart('-', '+').All(char.IsAsciiDigit);
        if (!leadingZero && !integerText && double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out double number)
            && double.IsFinite(number))
        {
            return number;
        }

        return text switch
        {
            "true" => true,
            "false" => false,
            _ => text,
        };
    }
}
