using System.CommandLine;
using System.Text.Json;
using LodeDb.Native;
using Microsoft.Extensions.AI;

namespace LodeDb.Cli.Commands.Export;

/// <summary>
/// <c>lodedb import &lt;db&gt; &lt;file&gt; [--format parquet|jsonl] [--model P | --onnx-model F --model-name N]
/// [--vectors-only] [--space S]</c>: adds the documents of an export. A database with a model
/// re-embeds each document's text (identical vectors for the same model); documents without text
/// (images) go in by their vector. A new database is created with the model given, or with
/// --vectors-only as a vector-only index of the file's dimension; a Parquet export's bit width,
/// seed and sidecar are kept, so the copy answers searches exactly as the original.
/// </summary>
internal static class ImportCommand
{
    /// <summary>Documents per atomic batch.</summary>
    private const int Batch = 64;

    public static Command Create(CliContext context)
    {
        var database = new Argument<string>("db") { Description = "Database folder (created when it holds none) or collection root (with --space)." };
        var file = new Argument<string>("file") { Description = "A file written by `lodedb export` (.parquet or .jsonl)." };
        var format = new Option<string>("--format") { Description = "parquet | jsonl (default: from the file's extension).", HelpName = "parquet|jsonl" };
        format.AcceptOnlyFromAmong("parquet", "jsonl");
        var space = new Option<string>("--space") { Description = "An existing space of a collection root.", HelpName = "NAME" };
        var vectorsOnly = new Option<bool>("--vectors-only") { Description = "Create a vector-only database from the file's vectors (no model)." };
        var rescore = new Option<string>("--rescore")
        {
            Description = "Re-score sidecar of a new database (default: as recorded in a Parquet export; else float16 when the file has vectors, none when not).",
            HelpName = "none|int8|float16",
        };
        rescore.AcceptOnlyFromAmong("none", "int8", "float16");
        var models = new ModelOptions(allowPreset: true);
        var command = new Command("import", "Add the documents of a Parquet or JSON Lines export (re-embedding text through the model, or by their vectors).") { database, file, format, space, vectorsOnly, rescore };
        models.AddTo(command);
        command.SetAction(async (parsed, cancellation) =>
        {
            string input = Path.GetFullPath(parsed.GetValue(file)!);
            if (!File.Exists(input))
            {
                throw new CliNotFoundException($"the file '{input}' does not exist.");
            }

            ExchangeFormat kind = ExchangeFormats.Of(input, parsed.GetValue(format));
            (IReadOnlyList<ExportRow> rows, ExportIdentity? identity) = kind == ExchangeFormat.Parquet
                ? await ParquetExchange.ReadAsync(input, cancellation)
                : ([.. JsonLinesExchange.Read(input)], null);
            string full = Path.GetFullPath(parsed.GetValue(database)!);
            // Checked before a new database is created, so a refused file leaves none behind.
            IReadOnlyDictionary<string, object?>[] metadata = [.. rows.Select(row => MetadataOf(row, input))];
            if (!Exists(full))
            {
                Classify(rows, hasModel: !parsed.GetValue(vectorsOnly), input);
            }

            RescoreStorage? sidecar = parsed.GetValue(rescore) is string named ? Enum.Parse<RescoreStorage>(named, ignoreCase: true) : null;
            using DatabaseTarget target = OpenOrCreate(full, parsed, models, parsed.GetValue(vectorsOnly), sidecar, identity, rows, input);
            LodeDatabase db = target.Resolve(parsed.GetValue(space));
            (int byText, int byVector) = Add(db, rows, metadata, identity, input);
            context.Out.WriteLine($"Imported {rows.Count} document{(rows.Count == 1 ? "" : "s")} from {input} into {db.Path}: {byText} re-embedded from text, {byVector} by vector. The database holds {db.Count()} documents.");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static DatabaseTarget OpenOrCreate(string full, ParseResult parsed, ModelOptions models, bool vectorsOnly, RescoreStorage? rescore, ExportIdentity? identity, IReadOnlyList<ExportRow> rows, string input)
    {
        bool exists = Exists(full);
        IEmbeddingGenerator<string, Embedding<float>>? embedder = models.LoadEmbedder(parsed, exists ? full : null);
        string? preset = models.Preset(parsed);
        if (!exists)
        {
            if (vectorsOnly && (embedder is not null || preset is not null))
            {
                embedder?.Dispose();
                throw new CliUsageException("--vectors-only creates a database without a model; drop --model/--onnx-model.");
            }

            if (!vectorsOnly && embedder is null && preset is null)
            {
                throw new CliUsageException($"'{full}' holds no database yet; to create one choose its model (--model minilm|bge|clip, or --onnx-model FOLDER --model-name NAME: text is re-embedded), or --vectors-only to keep the file's vectors.");
            }

            int? dimension = identity?.Dimension ?? DimensionOf(rows);
            if (vectorsOnly && dimension is null)
            {
                throw new CliUsageException($"{input} holds no vectors; --vectors-only needs them. Import with a model instead (the text is re-embedded).");
            }

            // Same bit width, seed and sidecar as the original when the export says them; a file
            // with vectors came from a database with a sidecar (float16 unless --rescore says).
            var options = new LodeDbOptions
            {
                VectorDim = vectorsOnly ? dimension : null,
                Model = preset,
                Embedder = embedder,
                ModelName = DatabaseOpener.EmbedderName(embedder),
                ModelDirectory = embedder is null && !vectorsOnly ? parsed.GetValue(models.ModelsDir) : null,
                BitWidth = identity?.BitWidth,
                Seed = identity?.Seed,
                Rescore = rescore ?? identity?.Rescore ?? (dimension is not null ? RescoreStorage.Float16 : null),
                // Kept for a vector-only copy too: StoreText = false is a privacy promise.
                StoreText = identity?.StoresText,
                IndexText = identity?.IndexText,
            };
            try
            {
                DatabaseOpener.Open(full, options).Dispose();
            }
            finally
            {
                embedder?.Dispose();
            }

            if (parsed.GetValue(models.OnnxModel) is string folder)
            {
                new ModelSource(Path.GetFullPath(folder), parsed.GetValue(models.ModelName)!).Write(full);
            }

            embedder = null;
        }

        return DatabaseTarget.Open(full, readOnly: false, embedder, parsed.GetValue(models.ModelsDir));
    }

    private static bool Exists(string full) =>
        File.Exists(Path.Combine(full, LodeDatabase.RootFileName)) || File.Exists(Path.Combine(full, LodeCollection.ManifestFileName));

    private static int? DimensionOf(IReadOnlyList<ExportRow> rows) =>
        rows.FirstOrDefault(r => r.Vector is not null && r.Chunks > 0) is ExportRow row ? row.Vector!.Length / row.Chunks : null;

    /// <summary>Which rows go in by text (the database has a model and the row has text) and which by their one vector; refuses any other row.</summary>
    private static (List<int> Texts, List<int> Vectors) Classify(IReadOnlyList<ExportRow> rows, bool hasModel, string input)
    {
        var texts = new List<int>();
        var vectors = new List<int>();
        for (int i = 0; i < rows.Count; i++)
        {
            ExportRow row = rows[i];
            if (hasModel && row.Text is not null)
            {
                texts.Add(i);
            }
            else if (row.Vector is not null && row.Chunks == 1)
            {
                vectors.Add(i);
            }
            else
            {
                throw new CliUsageException(row.Vector is not null
                    ? $"{input}: '{row.Id}' has {row.Chunks} chunk vectors and {(row.Text is null ? "no text" : "text but the database has no model")}; a document of several chunks goes in only by its text through the model."
                    : $"{input}: '{row.Id}' has {(row.Text is null ? "neither text nor a vector" : "text but the database has no model to embed it")}; nothing was imported.");
            }
        }

        return (texts, vectors);
    }

    /// <summary>Adds the rows in batches; text through the model when the database has one, else (or without text) by vector.</summary>
    private static (int ByText, int ByVector) Add(LodeDatabase db, IReadOnlyList<ExportRow> rows, IReadOnlyDictionary<string, object?>[] metadata, ExportIdentity? identity, string input)
    {
        bool hasModel = db.ModelName != "none";
        (List<int> texts, List<int> vectors) = Classify(rows, hasModel, input);
        foreach (ExportRow row in vectors.Select(i => rows[i]))
        {
            if (hasModel && identity is not null && identity.Model != db.ModelName)
            {
                throw new CliUsageException($"{input}: '{row.Id}' has no text, and its vector comes from the model {identity.Model}, not this database's {db.ModelName}; import it into a database of that model or a vector-only one (--vectors-only).");
            }

            if (row.Vector!.Length != db.Dimension)
            {
                throw new CliUsageException($"{input}: the vector of '{row.Id}' has {row.Vector.Length} dimensions; the database has {db.Dimension}.");
            }
        }

        int committed = 0;
        try
        {
            foreach (int[] batch in texts.Chunk(Batch))
            {
                db.AddMany([.. batch.Select(i => rows[i].Text!)], [.. batch.Select(i => (string?)rows[i].Id)], [.. batch.Select(i => (IReadOnlyDictionary<string, object?>?)metadata[i])]);
                committed += batch.Length;
            }

            foreach (int[] batch in vectors.Chunk(Batch))
            {
                db.AddVectors([.. batch.Select(i => rows[i].Vector!)], [.. batch.Select(i => (string?)rows[i].Id)], [.. batch.Select(i => (IReadOnlyDictionary<string, object?>?)metadata[i])], [.. batch.Select(i => rows[i].Text)]);
                committed += batch.Length;
            }
        }
        catch (Exception e) when (committed > 0 && e is LodeDbException or ArgumentException or InvalidOperationException or NotSupportedException)
        {
            // Each batch is one atomic commit: the failed one stored nothing, the ones before it
            // stay. Say so, since the command as a whole failed.
            throw new InvalidDataException(
                $"{input}: {e.Message} The import stopped at that batch: {committed} of {texts.Count + vectors.Count} documents were already committed " +
                $"(in batches of {Batch}) and stay in the database; fix the file and import it again (documents with the same id are replaced).", e);
        }

        return (texts.Count, vectors.Count);
    }

    private static IReadOnlyDictionary<string, object?> MetadataOf(ExportRow row, string input)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(row.Metadata);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{input}: the metadata of '{row.Id}' is not a JSON object.");
            }

            // JsonElement values: the database types them (integers long, fractions double, nested kept).
            return document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone(), StringComparer.Ordinal);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{input}: the metadata of '{row.Id}' is not valid JSON ({e.Message}).");
        }
    }
}
