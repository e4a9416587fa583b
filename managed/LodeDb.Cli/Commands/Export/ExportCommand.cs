using System.CommandLine;
using LodeDb.Cli.Output;
using Microsoft.Extensions.AI;

namespace LodeDb.Cli.Commands.Export;

/// <summary>
/// <c>lodedb export &lt;path&gt; &lt;file&gt; [--format parquet|jsonl] [--space S] [--exclude-text] [--reembed]</c>:
/// every document of a database (or of one space of a collection) to Parquet or JSON Lines: id,
/// typed metadata, text when stored, vectors when the re-score sidecar keeps them (else, with
/// --reembed, computed through the model). Written to a temp file and renamed.
/// </summary>
internal static class ExportCommand
{
    public static Command Create(CliContext context)
    {
        var database = new Argument<string>("path") { Description = "Database folder or collection root." };
        var file = new Argument<string>("file") { Description = "Output file (.parquet or .jsonl)." };
        var format = new Option<string>("--format") { Description = "parquet | jsonl (default: from the file's extension).", HelpName = "parquet|jsonl" };
        format.AcceptOnlyFromAmong("parquet", "jsonl");
        var space = new Option<string>("--space") { Description = "The space to export, when the path is a collection root.", HelpName = "NAME" };
        var excludeText = new Option<bool>("--exclude-text") { Description = "Leave the stored text out of the file." };
        var reembed = new Option<bool>("--reembed") { Description = "No re-score sidecar: compute one vector per document from its stored text through the database's custom model." };
        var models = new ModelOptions(allowPreset: false);
        var command = new Command("export", "Write every document (id, metadata, text, vectors) to Parquet or JSON Lines.") { database, file, format, space, excludeText, reembed };
        models.AddTo(command);
        command.SetAction(async (parsed, cancellation) =>
        {
            string output = Path.GetFullPath(parsed.GetValue(file)!);
            ExchangeFormat kind = ExchangeFormats.Of(output, parsed.GetValue(format));
            bool reembedText = parsed.GetValue(reembed);
            string path = DatabaseOpener.RequireFolder(parsed.GetValue(database)!);
            bool collection = File.Exists(Path.Combine(path, LodeCollection.ManifestFileName));
            // Export reads stored rows: a database or space opens without its model (--reembed
            // loads the model it names on its own).
            using DatabaseTarget? target = collection ? DatabaseTarget.OpenCollectionWithoutModels(path) : null;
            using LodeDatabase? single = collection ? null : DatabaseOpener.OpenWithoutModel(path);
            LodeDatabase db = single ?? target!.Resolve(parsed.GetValue(space));
            if (single is not null && parsed.GetValue(space) is not null)
            {
                throw new CliUsageException($"'{path}' is a single database, not a collection: drop --space.");
            }

            using IEmbeddingGenerator<string, Embedding<float>>? embedder = reembedText && db.Rescore == RescoreStorage.None
                ? models.LoadEmbedder(parsed, db.Path) ?? throw new CliUsageException("--reembed needs the database's custom model (--onnx-model FOLDER --model-name NAME, or the one `index` remembered); preset databases: not supported yet.")
                : null;
            bool withText = db.StoresText && !parsed.GetValue(excludeText);
            IReadOnlyList<ExportRow> rows = await ExportRows.ReadAsync(db, withText, embedder, cancellation);
            var identity = ExportIdentity.Of(db);
            string temp = Path.Combine(Path.GetDirectoryName(output)!, $".{Path.GetFileName(output)}.{Environment.ProcessId}.tmp");
            try
            {
                if (kind == ExchangeFormat.Parquet)
                {
                    await ParquetExchange.WriteAsync(temp, rows, identity, cancellation);
                }
                else
                {
                    await JsonLinesExchange.WriteAsync(temp, rows, db.Dimension, cancellation);
                }

                File.Move(temp, output, overwrite: true);
            }
            finally
            {
                File.Delete(temp);
            }

            string vectors = db.Rescore != RescoreStorage.None
                ? $"vectors from the {db.Rescore.ToString().ToLowerInvariant()} re-score sidecar"
                : embedder is not null
                    ? "one vector per document re-embedded from its text"
                    : "no vectors: the database keeps none (no re-score sidecar); `import` re-embeds the text through the model, or export with --reembed";
            string text = withText ? "text" : db.StoresText ? "no text (--exclude-text)" : "no text (not stored)";
            context.Out.WriteLine($"Exported {rows.Count} document{(rows.Count == 1 ? "" : "s")} of {db.Path} to {output} ({(kind == ExchangeFormat.Parquet ? "Parquet" : "JSON Lines")}; {text}; {vectors}; model {db.ModelName}, {db.Dimension} dimensions, {Units.Bytes(new FileInfo(output).Length)}).");
            return ExitCodes.Ok;
        });
        return command;
    }
}
