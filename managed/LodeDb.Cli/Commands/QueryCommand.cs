using System.CommandLine;
using System.Globalization;
using LodeDb.Cli.Output;
using LodeDb.Embeddings.Onnx;
using Microsoft.Extensions.AI;
using Spectre.Console;

namespace LodeDb.Cli.Commands;

/// <summary>
/// <c>lodedb query &lt;db&gt; &lt;text&gt; [--k N] [--mode vector|lexical|hybrid] [--filter JSON] [--json]
/// [--candidates N] [--first-pass codes|sign-sketch] [--onnx-model F --model-name N] [--models-dir D]</c> or <c>lodedb query &lt;db&gt; --image PATH</c>:
/// searches a database read-only (by text, or by an image on an image+text database) and prints a
/// table, or one JSON object per hit.
/// </summary>
internal static class QueryCommand
{
    /// <summary>Largest --k: more hits than anyone reads from a terminal, small enough to never strain memory.</summary>
    public const int MaxK = 100_000;

    public static Command Create(CliContext context)
    {
        var database = new Argument<string>("db") { Description = "Database folder." };
        var text = new Argument<string?>("text") { Description = "What to search for (omit with --image).", Arity = ArgumentArity.ZeroOrOne };
        var image = new Option<string>("--image")
        {
            Description = "Search by this image file instead of text (image+text databases: --model clip or an image-capable embedder).",
            HelpName = "PATH",
        };
        Option<int> k = WholeNumberOption.Create("--k", "-k", $"Number of results (default 10, at most {MaxK}).", 10, 1, MaxK);
        var mode = new Option<string>("--mode")
        {
            Description = "vector (semantic, default), lexical (BM25 over exact tokens) or hybrid (both, fused by rank).",
            HelpName = "vector|lexical|hybrid",
            DefaultValueFactory = _ => "vector",
        };
        mode.AcceptOnlyFromAmong("vector", "lexical", "hybrid");
        var filter = new Option<string>("--filter")
        {
            Description = """Metadata filter as JSON, e.g. '{"extension": ".md"}' or '{"year": {"$gte": 2020}}'.""",
            HelpName = "JSON",
        };
        var json = new Option<bool>("--json") { Description = "Print one JSON object per hit (JSON lines)." };
        var rescore = new RescoreOptions();
        var models = new ModelOptions(allowPreset: false);
        var command = new Command("query", "Search a database by text or by an image.") { database, text, image, k, mode, filter, json };
        rescore.AddTo(command);
        command.Validators.Add(result =>
        {
            if (result.GetValue(database) is null)
            {
                return; // the missing database is the error to report
            }

            bool hasText = !string.IsNullOrEmpty(result.GetValue(text));
            bool hasImage = result.GetValue(image) is not null;
            if (hasText == hasImage)
            {
                result.AddError("Give either a query text or --image PATH (exactly one).");
            }
            else if (hasImage && result.GetValue(mode) is "lexical" or "hybrid")
            {
                result.AddError("--image searches by vector only; drop --mode.");
            }
        });
        models.AddTo(command);
        command.SetAction(parsed =>
        {
            Filter? parsedFilter = parsed.GetValue(filter) is string filterText ? Filter.Parse(filterText) : null;
            SearchMode searchMode = parsed.GetValue(mode) switch
            {
                "lexical" => SearchMode.Lexical,
                "hybrid" => SearchMode.Hybrid,
                _ => SearchMode.Vector,
            };
            using LodeDatabase db = DatabaseOpener.OpenExisting(parsed.GetValue(database)!, models, parsed, out IEmbeddingGenerator<string, Embedding<float>>? embedder, rescore.Apply(parsed));
            using (embedder)
            {
                rescore.RequireSidecar(parsed, db);
                IReadOnlyList<SearchHit> hits = parsed.GetValue(image) is string imagePath
                    ? SearchByImage(db, imagePath, parsed.GetValue(k), parsedFilter)
                    : db.Search(parsed.GetValue(text)!, parsed.GetValue(k), searchMode, parsedFilter);
                if (parsed.GetValue(json))
                {
                    WriteJson(context.Out, hits);
                }
                else
                {
                    WriteTable(context, hits);
                }
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static IReadOnlyList<SearchHit> SearchByImage(LodeDatabase db, string path, int k, Filter? filter)
    {
        if (!File.Exists(path))
        {
            throw new CliNotFoundException($"The query image '{Path.GetFullPath(path)}' does not exist.");
        }

        if (!db.SupportsImages)
        {
            throw new CliUsageException($"The database {db.Path} has no image embedder: image queries need an image+text database (created with --model clip).");
        }

        return db.SearchByImage(path, k, filter);
    }

    private static void WriteJson(TextWriter output, IReadOnlyList<SearchHit> hits)
    {
        for (int i = 0; i < hits.Count; i++)
        {
            SearchHit hit = hits[i];
            output.WriteLine(JsonLine.Build(json =>
            {
                json.WriteStartObject();
                json.WriteNumber("rank", i + 1);
                json.WriteString("id", hit.Id);
                json.WriteNumber("score", Math.Round(hit.Score, 6));
                json.WriteNumber("chunk", hit.Chunk);
                if (hit.Text is not null)
                {
                    json.WriteString("text", hit.Text);
                }

                json.WritePropertyName("metadata");
                JsonLine.WriteObject(json, hit.Metadata);
                json.WriteEndObject();
            }));
        }
    }

    private static void WriteTable(CliContext context, IReadOnlyList<SearchHit> hits)
    {
        if (hits.Count == 0)
        {
            context.Out.WriteLine("No results.");
            return;
        }

        var table = new Table().AddColumns("#", "score", "id", "text");
        for (int i = 0; i < hits.Count; i++)
        {
            SearchHit hit = hits[i];
            table.AddRow(
                new Text((i + 1).ToString(CultureInfo.InvariantCulture)),
                new Text(hit.Score.ToString("0.0000", CultureInfo.InvariantCulture)),
                new Text(hit.Id),
                new Text(Snippet(hit.Text)));
        }

        context.OutConsole.Write(table);
    }

    private static string Snippet(string? text)
    {
        if (text is null)
        {
            return "";
        }

        string flat = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return flat.Length <= 80 ? flat : flat[..77] + "...";
    }
}
