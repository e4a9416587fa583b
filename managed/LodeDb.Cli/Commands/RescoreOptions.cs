using System.CommandLine;

namespace LodeDb.Cli.Commands;

/// <summary>
/// <c>--candidates N</c> and <c>--first-pass codes|sign-sketch</c> of <c>query</c>: how a database
/// with a re-score sidecar (<c>index --rescore int8|float16</c>) picks the rows it re-ranks exactly
/// (<see cref="LodeDbOptions.RescoreCandidates"/>, <see cref="LodeDbOptions.RescoreFirstPass"/>).
/// Both are refused on a database without a sidecar, where they would change nothing.
/// </summary>
internal sealed class RescoreOptions
{
    private readonly Option<int> _candidates = WholeNumberOption.Create(
        "--candidates",
        null,
        $"Rows re-ranked exactly from the re-score sidecar (default {LodeDatabase.DefaultRescoreCandidates}, at most {LodeDatabase.MaxRescoreCandidates}); more is slower and finds more of the true top k.",
        LodeDatabase.DefaultRescoreCandidates,
        1,
        LodeDatabase.MaxRescoreCandidates);

    private readonly Option<string> _firstPass = CreateFirstPass();

    private static Option<string> CreateFirstPass()
    {
        var option = new Option<string>("--first-pass")
        {
            Description = "What picks the candidates: the codes (default) or the one-bit sign sketch (faster on large databases; give it 2-3x the --candidates).",
            HelpName = "codes|sign-sketch",
            DefaultValueFactory = _ => "codes",
        };
        option.AcceptOnlyFromAmong("codes", "sign-sketch");
        return option;
    }

    public void AddTo(Command command)
    {
        command.Options.Add(_candidates);
        command.Options.Add(_firstPass);
    }

    /// <summary>The options with the command line's candidates and first pass.</summary>
    public Func<LodeDbOptions, LodeDbOptions> Apply(ParseResult parsed) => options => options with
    {
        RescoreCandidates = parsed.GetValue(_candidates),
        RescoreFirstPass = parsed.GetValue(_firstPass) == "sign-sketch" ? RescoreFirstPass.SignSketch : RescoreFirstPass.Codes,
    };

    /// <summary>Refuses (exit 2) either option given on a database without a re-score sidecar.</summary>
    public void RequireSidecar(ParseResult parsed, LodeDatabase db)
    {
        if (db.Rescore != RescoreStorage.None)
        {
            return;
        }

        string? given = parsed.GetResult(_candidates) is { Implicit: false } ? "--candidates"
            : parsed.GetResult(_firstPass) is { Implicit: false } ? "--first-pass"
            : null;
        if (given is not null)
        {
            throw new CliUsageException($"{given} applies to a database with a re-score sidecar; {db.Path} has none (create one with `lodedb index ... --rescore int8` or float16).");
        }
    }
}
