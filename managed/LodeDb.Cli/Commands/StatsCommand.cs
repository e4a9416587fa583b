using System.CommandLine;
using System.Globalization;
using LodeDb.Cli.Output;
using Spectre.Console;

namespace LodeDb.Cli.Commands;

/// <summary><c>lodedb stats &lt;db&gt; [--json]</c>: the counters of a database, opened read-only.</summary>
internal static class StatsCommand
{
    public static Command Create(CliContext context)
    {
        var database = new Argument<string>("db") { Description = "Database folder." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var command = new Command("stats", "Show a database's size, identity and counters (loads no model).") { database, json };
        command.SetAction(parsed =>
        {
            using LodeDatabase db = DatabaseOpener.OpenWithoutModel(parsed.GetValue(database)!);
            {
                (string Key, object Value)[] rows = Rows(db);
                if (parsed.GetValue(json))
                {
                    context.Out.WriteLine(JsonLine.Build(writer =>
                    {
                        writer.WriteStartObject();
                        foreach ((string key, object value) in rows)
                        {
                            writer.WritePropertyName(key);
                            JsonLine.WriteValue(writer, value);
                        }

                        writer.WriteEndObject();
                    }));
                }
                else
                {
                    var table = new Table().AddColumns("", "value").HideHeaders();
                    foreach ((string key, object value) in rows)
                    {
                        string text = key.EndsWith("Bytes", StringComparison.Ordinal) && value is long bytes
                            ? $"{bytes.ToString(CultureInfo.InvariantCulture)} ({Units.Bytes(bytes)})"
                            : value is bool flag ? (flag ? "true" : "false") : Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
                        table.AddRow(new Text(key), new Text(text));
                    }

                    context.OutConsole.Write(table);
                }
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The counters shown by <c>stats</c> (also the answer of MCP lodedb_stats and HTTP GET /stats).</summary>
    internal static (string Key, object Value)[] Rows(LodeDatabase db)
    {
        LodeStats stats = db.Stats();
        return
        [
            ("path", db.Path),
            ("documents", stats.Count),
            ("slots", stats.SlotCount),
            ("model", db.ModelName),
            ("dimension", stats.Dimension),
            ("bitWidth", stats.BitWidth),
            ("storesText", db.StoresText),
            ("lexicalIndex", db.HasLexicalIndex),
            ("generation", stats.Generation),
            ("walRecords", stats.WalRecords),
            ("walBytes", stats.WalBytes),
            ("diskBytes", stats.DiskBytes),
            ("indexMemoryBytes", stats.IndexMemoryBytes),
            ("simdLevel", stats.SimdLevel),
            ("commitMode", stats.CommitMode.ToString().ToLowerInvariant()),
            ("durability", stats.Durability.ToString().ToLowerInvariant()),
            ("rescore", db.Rescore.ToString().ToLowerInvariant()),
        ];
    }
}
