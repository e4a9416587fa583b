using System.CommandLine;

namespace LodeDb.Cli.Commands;

/// <summary>
/// A variadic argument takes every token the parser cannot place, so a mistyped option
/// (<c>lodedb get db id --jsn</c>) would become an id or a path. Values that look like options are
/// refused instead: a usage error (exit 2), as for any other unknown option.
/// </summary>
internal static class OptionLikeValues
{
    public static void Refuse(Argument<string[]> argument)
    {
        argument.Validators.Add(result =>
        {
            foreach (string value in result.GetValueOrDefault<string[]>() ?? [])
            {
                if (value.StartsWith("--", StringComparison.Ordinal) || (value.Length == 2 && value[0] == '-' && char.IsAsciiLetter(value[1])))
                {
                    result.AddError($"Unrecognized command or argument '{value}'. (A file or id that starts with '-' can be written ./{value} for a path.)");
                    return;
                }
            }
        });
    }
}
