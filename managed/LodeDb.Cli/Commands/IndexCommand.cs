using System.CommandLine;
using System.Diagnostics;
using System.Text;
using LodeDb.Cli.Indexing;
using LodeDb.Cli.Output;
using LodeDb.Embeddings.Onnx;
using Microsoft.Extensions.AI;

namespace LodeDb.Cli.Commands;

/// <summary>
/// <c>lodedb index &lt;db&gt; &lt;path&gt;... [--recursive] [--model P | --onnx-model F --model-name N]
/// [--models-dir D] [--store-text B] [--index-text B] [--metadata key=value]...</c>: adds text files
/// as documents (id = path relative to the given root; metadata path, kind, extension, bytes and
/// the --metadata pairs), creating the database when the folder holds none. Image files go
/// through <see cref="AddImage"/>; other files are skipped and counted.
/// </summary>
internal static class IndexCommand
{
    /// <summary>Documents per AddMany call: one atomic commit each, and the unit of progress.</summary>
    private const int BatchSize = 16;

    /// <summary>Larger text files are skipped: a document that size is almost never what someone meant to embed whole.</summary>
    private const long MaxTextBytes = 16L << 20;

    /// <summary>UTF-8 that throws on invalid bytes (a BOM is still honoured by the reader).</summary>
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The file whose presence marks a database folder (docs/file-formats.md).</summary>
    private const string CommitRootFile = "index.commit.json";

    public static Command Create(CliContext context)
    {
        var database = new Argument<string>("db") { Description = "Database folder (created when it holds no database)." };
        var paths = new Argument<string[]>("path")
        {
            Description = "Files or folders to index.",
            Arity = ArgumentArity.OneOrMore,
        };
        OptionLikeValues.Refuse(paths);
        var recursive = new Option<bool>("--recursive", "-r") { Description = "Walk sub-folders of the given folders too." };
        var models = new ModelOptions(allowPreset: true);
        var storeText = new Option<bool?>("--store-text")
        {
            Description = "Keep the raw text in the database (default true; fixed when the database is created).",
            HelpName = "true|false",
        };
        var indexText = new Option<bool?>("--index-text")
        {
            Description = "Keep lexical terms for lexical/hybrid search (default: as --store-text; fixed when the database is created).",
            HelpName = "true|false",
        };
        var metadata = new Option<string[]>("--metadata")
        {
            Description = "key=value added to every file's metadata (repeatable); numbers and true/false are stored typed.",
            HelpName = "key=value",
        };
        var rescore = new Option<string>("--rescore")
        {
            Description = "Keep the original vectors in a re-score sidecar (exact scores; `export` writes them): int8 or float16 (fixed when the database is created; default none).",
            HelpName = "none|int8|float16",
        };
        rescore.AcceptOnlyFromAmong("none", "int8", "float16");
        var verbose = new Option<bool>("--verbose", "-v") { Description = "List every skipped file with its reason (by default only the counts per reason)." };
        var command = new Command("index", $"Add text files ({string.Join(" ", FileClassifier.TextExtensions)}) as documents; images ({string.Join(" ", FileClassifier.ImageExtensions)}) with an image model.")
        {
            database, paths, recursive, storeText, indexText, metadata, rescore, verbose,
        };
        models.AddTo(command);
        command.SetAction(parsed => Run(context, parsed, parsed.GetValue(database)!, parsed.GetValue(paths)!, parsed.GetValue(recursive), models,
            parsed.GetValue(storeText), parsed.GetValue(indexText), parsed.GetValue(metadata) ?? [], RescoreOf(parsed.GetValue(rescore)), parsed.GetValue(verbose)));
        return command;
    }

    private static int Run(CliContext context, ParseResult parsed, string databasePath, string[] paths, bool recursive, ModelOptions models,
        bool? storeText, bool? indexText, string[] metadataPairs, RescoreStorage? rescore, bool verbose)
    {
        Dictionary<string, object?> extra = MetadataArguments.Parse(metadataPairs);
        string full = Path.GetFullPath(databasePath);
        List<InputFile> files = InputCollector.Collect(paths, recursive, full);
        if (files.Count == 0)
        {
            throw new CliUsageException($"nothing to index: {string.Join(", ", paths.Select(Path.GetFullPath))} holds no files" + (recursive ? "." : " (add --recursive to walk sub-folders)."));
        }

        if (File.Exists(full))
        {
            throw new CliUsageException($"'{full}' is a file; a LodeDb database is a folder.");
        }

        string? preset = models.Preset(parsed);
        bool exists = File.Exists(Path.Combine(full, CommitRootFile));
        if (!exists && preset is null && parsed.GetValue(models.OnnxModel) is null)
        {
            throw new CliUsageException($"'{full}' holds no database yet; to create one choose its model: --model minilm|bge|clip, or --onnx-model FOLDER --model-name NAME.");
        }

        var stopwatch = Stopwatch.StartNew();
        IEmbeddingGenerator<string, Embedding<float>>? embedder = models.LoadEmbedder(parsed, exists && preset is null ? full : null);
        if (embedder is OnnxTextEmbedder { HasTokenizerConfig: false } defaults)
        {
            // Said once per run: the folder has no tokenizer_config.json, so the BERT defaults apply.
            context.Error.WriteLine($"{defaults.ModelDirectory}: {defaults.TokenizerSettings}.");
        }

        try
        {
            using LodeDatabase db = DatabaseOpener.Open(full, new LodeDbOptions
            {
                Model = preset,
                Embedder = embedder,
                ModelName = DatabaseOpener.EmbedderName(embedder),
                ModelDirectory = embedder is null ? parsed.GetValue(models.ModelsDir) : null,
                StoreText = storeText,
                IndexText = indexText,
                Rescore = rescore,
            });
            if (parsed.GetValue(models.OnnxModel) is string modelFolder)
            {
                // Remembered so query, stats, mcp, serve and export need no model flags.
                new ModelSource(Path.GetFullPath(modelFolder), parsed.GetValue(models.ModelName)!).Write(full);
            }

            var summary = new IndexSummary();
            var seen = new Dictionary<string, string>(StringComparer.Ordinal);
            var batch = new List<(InputFile File, string Text, IReadOnlyDictionary<string, object?> Metadata)>();
            int done = 0;
            try
            {
                context.WithProgress($"Indexing {files.Count} files", files.Count, report =>
                {
                    foreach (InputFile file in files)
                    {
                        if (!seen.TryAdd(file.Id, file.FullPath))
                        {
                            summary.Skip(file, "duplicate id", $"id '{file.Id}' also {seen[file.Id]}");
                        }
                        else if (file.Kind == FileKind.Unsupported)
                        {
                            summary.Skip(file, "unsupported file type");
                        }
                        else if (file.Kind == FileKind.Image)
                        {
                            if (AddImage(db, file, FileMetadata(file, extra)) is { } skipped)
                            {
                                summary.Skip(file, skipped.Reason, skipped.Detail);
                            }
                            else
                            {
                                summary.Images++;
                            }
                        }
                        else if (ReadText(file, out string? text) is string reason)
                        {
                            summary.Skip(file, reason);
                        }
                        else
                        {
                            batch.Add((file, text!, FileMetadata(file, extra)));
                            if (batch.Count == BatchSize)
                            {
                                summary.Texts += Flush(db, batch);
                            }
                        }

                        report(++done);
                    }

                    summary.Texts += Flush(db, batch);
                });
            }
            catch
            {
                context.Error.WriteLine($"lodedb: {summary.Texts} text files were indexed before the error; running the command again replaces them (same ids).");
                throw;
            }

            PrintSummary(context.Out, full, files.Count, summary, db.Count(), stopwatch.Elapsed, verbose);
            return ExitCodes.Ok;
        }
        finally
        {
            embedder?.Dispose();
        }
    }

    /// <summary>
    /// Adds one image file (embedded by the database's image side: the clip preset or an
    /// image-capable custom embedder); returns null when it was added, else why it was skipped.
    /// A bad image (corrupt, unsupported, over the pixel limit) is skipped, not fatal.
    /// </summary>
    private static (string Reason, string? Detail)? AddImage(LodeDatabase db, InputFile file, IReadOnlyDictionary<string, object?> metadata)
    {
        if (!db.SupportsImages)
        {
            return ("this database has no image embedder (create it with --model clip)", null);
        }

        try
        {
            db.AddImage(file.FullPath, file.Id, metadata);
            return null;
        }
        catch (LodeDb.Images.InvalidImageException e)
        {
            return ("invalid image", e.Message);
        }
    }

    /// <summary>Reads a text file; returns null when it has text, else why it was skipped.</summary>
    private static string? ReadText(InputFile file, out string? text)
    {
        text = null;
        long length = new FileInfo(file.FullPath).Length;
        if (length > MaxTextBytes)
        {
            return $"larger than {Units.Bytes(MaxTextBytes)}";
        }

        try
        {
            // Strict: a file in another encoding would otherwise be stored with U+FFFD in place of its bytes.
            text = File.ReadAllText(file.FullPath, StrictUtf8);
        }
        catch (DecoderFallbackException)
        {
            text = null;
            return "not valid UTF-8 text";
        }

        // The library's rule: a file of only whitespace and invisible characters (U+200B, U+FEFF...) would fail its whole batch.
        return LodeDatabase.HasVisibleText(text) ? null : "empty (no visible text to embed)";
    }

    private static int Flush(LodeDatabase db, List<(InputFile File, string Text, IReadOnlyDictionary<string, object?> Metadata)> batch)
    {
        if (batch.Count == 0)
        {
            return 0;
        }

        db.AddMany([.. batch.Select(b => b.Text)], [.. batch.Select(b => (string?)b.File.Id)], [.. batch.Select(b => (IReadOnlyDictionary<string, object?>?)b.Metadata)]);
        int count = batch.Count;
        batch.Clear();
        return count;
    }

    private static Dictionary<string, object?> FileMetadata(InputFile file, Dictionary<string, object?> extra)
    {
        var metadata = new Dictionary<string, object?>(extra, StringComparer.Ordinal)
        {
            ["path"] = file.FullPath,
            ["kind"] = file.Kind == FileKind.Image ? "image" : "text",
            ["extension"] = Path.GetExtension(file.FullPath).ToLowerInvariant(),
            ["bytes"] = new FileInfo(file.FullPath).Length,
        };
        return metadata;
    }

    private static RescoreStorage? RescoreOf(string? name) => name switch
    {
        "int8" => RescoreStorage.Int8,
        "float16" => RescoreStorage.Float16,
        "none" => RescoreStorage.None,
        _ => null,
    };

    private static void PrintSummary(TextWriter output, string database, int found, IndexSummary summary, long documents, TimeSpan elapsed, bool verbose)
    {
        output.WriteLine($"Indexed {summary.Texts} text file{Plural(summary.Texts)} and {summary.Images} image{Plural(summary.Images)} of {found} file{Plural(found)} into {database} in {Units.Seconds(elapsed)}.");
        if (summary.Skipped.Count > 0)
        {
            // Grouped by reason (no paths in a reason), so a thousand skipped images make one line.
            output.WriteLine($"Skipped {summary.Skipped.Count}: "
                + string.Join("; ", summary.Skipped.GroupBy(s => s.Reason).Select(g => $"{g.Key} ({g.Count()})")) + "."
                + (verbose ? "" : " (--verbose lists the files)"));
            if (verbose)
            {
                foreach ((string path, string reason, string? detail) in summary.Skipped)
                {
                    output.WriteLine($"  skipped {path}: {reason}" + (detail is null ? "" : $" ({detail})"));
                }
            }
        }

        output.WriteLine($"The database holds {documents} document{Plural(documents)}.");
    }

    private static string Plural(long count) => count == 1 ? "" : "s";

    private sealed class IndexSummary
    {
        public int Texts { get; set; }

        public int Images { get; set; }

        public List<(string Path, string Reason, string? Detail)> Skipped { get; } = [];

        public void Skip(InputFile file, string reason, string? detail = null) => Skipped.Add((file.FullPath, reason, detail));
    }
}
