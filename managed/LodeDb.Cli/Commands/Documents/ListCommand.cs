using System.CommandLine;
using LodeDb.Cli.Output;
using Spectre.Console;

namespace LodeDb.Cli.Commands.Documents;

/// <summary>
/// <c>lodedb list &lt;db&gt; [--filter JSON] [--limit N] [--cursor C] [--json]</c>: documents in
/// id order, a page at a time, read-only without a model. The cursor is a keyset cursor
/// (<see cref="ListCursor"/>): rows added or removed between pages neither repeat nor skip one.
/// </summary>
internal static class ListCommand
{
    public static Command Create(CliContext context)
    {
        var database = new Argument<string>("db") { Description = "Database folder." };
        var filter = new Option<string>("--filter") { Description = """Metadata filter as JSON, e.g. '{"extension": ".md"}'.""", HelpName = "JSON" };
        Option<int> limit = WholeNumberOption.Create("--limit", null, "Documents per page (default 20, at most 10000).", 20, 1, 10_000);
        var cursor = new Option<string>("--cursor") { Description = "Continue after the previous page (the cursor it printed).", HelpName = "CURSOR" };
        var json = new Option<bool>("--json") { Description = "One JSON object per document (JSON lines); the next cursor goes to standard error." };
        var command = new Command("list", "List documents (ids and metadata), a page at a time.") { database, filter, limit, cursor, json };
        command.SetAction(parsed =>
        {
            string? after = ListCursor.Decode(parsed.GetValue(cursor), "--cursor");
            Filter? parsedFilter = parsed.GetValue(filter) is string text ? Filter.Parse(text) : null;
            int take = parsed.GetValue(limit);
            using LodeDatabase db = DatabaseOpener.OpenWithoutModel(parsed.GetValue(database)!);
            ListPage listed = db.List(new ListOptions { Filter = parsedFilter, After = after, Limit = take });
            IReadOnlyList<LodeRecord> page = listed.Records;
            string? next = ListCursor.Encode(listed.NextCursor);
            if (parsed.GetValue(json))
            {
                foreach (LodeRecord record in page.Take(take))
                {
                    context.Out.WriteLine(DocumentJson.Line(record, null));
                }

                if (next is not null)
                {
                    context.Error.WriteLine($"lodedb: more documents: --cursor {next}");
                }

                return ExitCodes.Ok;
            }

            if (page.Count == 0)
            {
                context.Out.WriteLine("No documents.");
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("id", "metadata");
            foreach (LodeRecord record in page.Take(take))
            {
                table.AddRow(new Text(record.Id), new Text(JsonLine.Build(writer => JsonLine.WriteObject(writer, record.Metadata))));
            }

            context.OutConsole.Write(table);
            if (next is not null)
            {
                context.Out.WriteLine($"More: --cursor {next}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
