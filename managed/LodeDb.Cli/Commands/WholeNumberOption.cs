using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace LodeDb.Cli.Commands;

/// <summary>
/// Integer options parsed here rather than by System.CommandLine's converter: a token that is
/// not a whole number, or lies outside the option's range ("abc", "1.5", "99999999999"), is a
/// parse error (one line, exit 2), never an exception thrown from a validator.
/// </summary>
internal static class WholeNumberOption
{
    /// <summary>
    /// An <c>int</c> option from <paramref name="minimum"/> to <paramref name="maximum"/> (and, when
    /// given, one of <paramref name="only"/>), <paramref name="defaultValue"/> when absent.
    /// </summary>
    public static Option<int> Create(string name, string? alias, string description, int defaultValue, int minimum, int maximum = int.MaxValue, int[]? only = null)
    {
        var option = alias is null ? new Option<int>(name) : new Option<int>(name, alias);
        option.Description = description;
        option.HelpName = "N";
        option.DefaultValueFactory = _ => defaultValue;
        option.CustomParser = result => Parse(result, name, defaultValue, minimum, maximum, only);
        return option;
    }

    private static int Parse(ArgumentResult result, string name, int defaultValue, int minimum, int maximum, int[]? only)
    {
        if (result.Tokens.Count == 0)
        {
            return defaultValue;
        }

        string token = result.Tokens[^1].Value;
        string? error = !long.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value)
            ? !IsDigits(token) ? $"{name} must be a whole number, not '{token}'."
                : token.StartsWith('-') ? $"{name} must be at least {minimum}." : $"{name} must be at most {maximum}; '{token}' is far larger."
            : only is not null && !only.Any(allowed => allowed == value) ? $"{name} must be {string.Join(" or ", only)}."
            : value < minimum ? $"{name} must be at least {minimum}."
            : value > maximum ? $"{name} must be at most {maximum}."
            : null;
        if (error is not null)
        {
            result.AddError(error);
            return defaultValue;
        }

        return (int)value;
    }

    private static bool IsDigits(string token)
    {
        string digits = token.StartsWith('-') || token.StartsWith('+') ? token[1..] : token;
        return digits.Length > 0 && digits.All(char.IsAsciiDigit);
    }
}
