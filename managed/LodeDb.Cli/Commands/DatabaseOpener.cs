using LodeDb.Embeddings.Onnx;
using Microsoft.Extensions.AI;

namespace LodeDb.Cli.Commands;

/// <summary>Opens the database of a command, turning the expected failures into messages that say what to type.</summary>
internal static class DatabaseOpener
{
    /// <summary>Opens an existing database read-only (query, stats); <paramref name="adjust"/> sets search options such as the re-score candidates.</summary>
    public static LodeDatabase OpenExisting(string path, ModelOptions models, System.CommandLine.ParseResult parsed, out IEmbeddingGenerator<string, Embedding<float>>? embedder, Func<LodeDbOptions, LodeDbOptions>? adjust = null) =>
        OpenWithModel(FolderOf(path), readOnly: true, models, parsed, out embedder, adjust);

    /// <summary>Opens an existing database for writing (remove), with its model: the command line's, or the remembered one.</summary>
    public static LodeDatabase OpenForWriting(string full, ModelOptions models, System.CommandLine.ParseResult parsed, out IEmbeddingGenerator<string, Embedding<float>>? embedder) =>
        OpenWithModel(full, readOnly: false, models, parsed, out embedder);

    /// <summary>Loads the command line's model (else the remembered one) and opens with it; the embedder is disposed when the open fails.</summary>
    private static LodeDatabase OpenWithModel(string full, bool readOnly, ModelOptions models, System.CommandLine.ParseResult parsed, out IEmbeddingGenerator<string, Embedding<float>>? embedder, Func<LodeDbOptions, LodeDbOptions>? adjust = null)
    {
        embedder = models.LoadEmbedder(parsed, full);
        try
        {
            if (!readOnly && !File.Exists(Path.Combine(full, LodeDatabase.RootFileName)))
            {
                throw new CliNotFoundException($"no LodeDb database at '{full}'. Check the path.");
            }

            var options = new LodeDbOptions
            {
                ReadOnly = readOnly,
                Embedder = embedder,
                ModelName = EmbedderName(embedder),
                ModelDirectory = embedder is null ? parsed.GetValue(models.ModelsDir) : null,
            };
            return Open(full, adjust is null ? options : adjust(options));
        }
        catch
        {
            embedder?.Dispose();
            embedder = null;
            throw;
        }
    }

    /// <summary>The full path of <paramref name="path"/>, refused when it is a file (a database is a folder).</summary>
    private static string FolderOf(string path)
    {
        string full = Path.GetFullPath(path);
        if (File.Exists(full))
        {
            throw new CliUsageException($"'{full}' is a file; a LodeDb database is a folder.");
        }

        return full;
    }

    /// <summary>Opens an existing database read-only without loading any model (stats, get, list).</summary>
    public static LodeDatabase OpenWithoutModel(string path) =>
        Open(FolderOf(path), new LodeDbOptions { ReadOnly = true, WithoutEmbedder = true });

    /// <summary>The model name an ONNX embedder was created with (its ModelId), null for none.</summary>
    public static string? EmbedderName(IEmbeddingGenerator<string, Embedding<float>>? embedder) =>
        embedder?.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId;

    /// <summary>The full path of an existing database folder or collection root (verify, repair); a missing one exits 3.</summary>
    public static string RequireFolder(string path)
    {
        string full = FolderOf(path);
        if (!File.Exists(Path.Combine(full, LodeDatabase.RootFileName)) && !File.Exists(Path.Combine(full, LodeCollection.ManifestFileName)))
        {
            throw new CliNotFoundException($"no LodeDb database or collection at '{full}'. Check the path.");
        }

        return full;
    }

    /// <summary>Opens with <paramref name="options"/>, explaining a missing database and a custom index opened without its model.</summary>
    public static LodeDatabase Open(string fullPath, LodeDbOptions options)
    {
        try
        {
            return LodeDatabase.Open(fullPath, options);
        }
        catch (DatabaseNotFoundException)
        {
            throw new CliNotFoundException(
                $"no LodeDb database at '{fullPath}'. Check the path, or create one with `lodedb index {fullPath} <files> --model minilm` (or --onnx-model FOLDER --model-name NAME).");
        }
        catch (LodeDatabaseException e) when (options.Embedder is null && e.Message.Contains("custom-embedder index", StringComparison.Ordinal))
        {
            throw new CliUsageException($"{e.Message} On the command line: pass --onnx-model FOLDER --model-name NAME.");
        }
    }
}
