using System.CommandLine;
using LodeDb.Cli.Output;
using Spectre.Console;

namespace LodeDb.Cli.Commands.Documents;

/// <summary><c>lodedb get &lt;db&gt; &lt;id&gt;... [--json]</c>: documents by id (metadata and stored text), read-only, loading no model. A missing id exits 3 after the found ones are printed.</summary>
internal static class GetCommand
{
    public static Command Create(CliContext context)
    {
        var database = new Argument<string>("db") { Description = "Database folder." };
        var ids = new Argument<string[]>("id") { Description = "Document ids.", Arity = ArgumentArity.OneOrMore };
        OptionLikeValues.Refuse(ids);
        var json = new Option<bool>("--json") { Description = "Print one JSON object per document (JSON lines)." };
        var command = new Command("get", "Show documents by id: metadata and stored text.") { database, ids, json };
        command.SetAction(parsed =>
        {
            using LodeDatabase db = DatabaseOpener.OpenWithoutModel(parsed.GetValue(database)!);
            var missing = new List<string>();
            foreach (string id in parsed.GetValue(ids)!)
            {
                if (db.Get(id) is not LodeRecord record)
                {
                    missing.Add(id);
                    continue;
                }

                string? text = db.StoresText ? db.GetText(id) : null;
                if (parsed.GetValue(json))
                {
                    context.Out.WriteLine(DocumentJson.Line(record, text));
                }
                else
                {
                    var table = new Table().AddColumns("", "value").HideHeaders();
                    table.AddRow(new Text("id"), new Text(record.Id));
                    table.AddRow(new Text("metadata"), new Text(JsonLine.Build(writer => JsonLine.WriteObject(writer, record.Metadata))));
                    table.AddRow(new Text("text"), new Text(text ?? (db.StoresText ? "" : "(not stored)")));
                    context.OutConsole.Write(table);
                }
            }

            if (missing.Count > 0)
            {
                throw new CliNotFoundException($"no document with id {string.Join(", ", missing.Select(id => $"'{id}'"))} in {db.Path}.");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
