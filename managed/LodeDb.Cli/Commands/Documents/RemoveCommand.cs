using System.CommandLine;

namespace LodeDb.Cli.Commands.Documents;

/// <summary>
/// <c>lodedb remove &lt;db&gt; [&lt;id&gt;...] [--filter JSON] [--yes]</c>: removes documents by id or
/// all that match a filter, after a confirmation on the terminal (or with --yes; without a
/// terminal --yes is required). Ids that do not exist are reported, not an error.
/// </summary>
internal static class RemoveCommand
{
    public static Command Create(CliContext context)
    {
        var database = new Argument<string>("db") { Description = "Database folder." };
        var ids = new Argument<string[]>("id") { Description = "Document ids (or --filter).", Arity = ArgumentArity.ZeroOrMore };
        OptionLikeValues.Refuse(ids);
        var filter = new Option<string>("--filter") { Description = "Remove every document matching this metadata filter (JSON).", HelpName = "JSON" };
        var yes = new Option<bool>("--yes", "-y") { Description = "Do not ask for confirmation." };
        var models = new ModelOptions(allowPreset: false);
        var command = new Command("remove", "Remove documents by id or by a metadata filter.") { database, ids, filter, yes };
        models.AddTo(command);
        command.Validators.Add(result =>
        {
            bool hasIds = result.GetValue(ids) is { Length: > 0 };
            if (result.GetValue(database) is not null && hasIds == (result.GetValue(filter) is not null))
            {
                result.AddError("Give ids or --filter JSON (exactly one).");
            }
        });
        command.SetAction(parsed =>
        {
            Filter? parsedFilter = parsed.GetValue(filter) is string text ? Filter.Parse(text) : null;
            string full = DatabaseOpener.RequireFolder(parsed.GetValue(database)!);
            string[] targets;
            using (LodeDatabase reader = DatabaseOpener.OpenWithoutModel(full))
            {
                targets = parsedFilter is null ? parsed.GetValue(ids)! : [.. reader.List(parsedFilter, 0, int.MaxValue).Select(r => r.Id)];
            }

            if (targets.Length == 0)
            {
                context.Out.WriteLine("No document matches the filter; nothing removed.");
                return ExitCodes.Ok;
            }

            if (!parsed.GetValue(yes) && !Confirm(context, $"Remove {targets.Length} document{(targets.Length == 1 ? "" : "s")} from {full}?"))
            {
                context.Out.WriteLine("Nothing removed.");
                return ExitCodes.Ok;
            }

            // The writer handle needs the database's model (a custom one is remembered by `index`).
            using LodeDatabase db = DatabaseOpener.OpenForWriting(full, models, parsed, out var embedder);
            using (embedder)
            {
                int removed = targets.Count(db.Remove);
                int missing = targets.Length - removed;
                context.Out.WriteLine($"Removed {removed} document{(removed == 1 ? "" : "s")}" + (missing > 0 ? $"; {missing} id{(missing == 1 ? " was" : "s were")} not there" : "") + $". The database holds {db.Count()} documents.");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static bool Confirm(CliContext context, string question)
    {
        if (!context.ShowProgress || Console.IsInputRedirected)
        {
            throw new CliUsageException($"{question} Confirm with --yes (no terminal to ask on).");
        }

        context.Error.Write($"{question} [y/N] ");
        string? answer = Console.ReadLine();
        return answer is not null && answer.Trim().ToLowerInvariant() is "y" or "yes";
    }
}
