using LodeDb.Embeddings.Onnx;
using Microsoft.Extensions.AI;

namespace LodeDb.Cli.Commands;

/// <summary>
/// The database a long-running command (<c>mcp</c>, <c>serve</c>) or <c>export</c> works on: one
/// index, or a collection root whose spaces are chosen per call (<see cref="Resolve"/>). Custom
/// models come from the command line or from what <c>index</c> remembered (<see cref="ModelSource"/>);
/// spaces are opened once and kept. Thread-safe: a handle serves searches in parallel and
/// mutations one at a time.
/// </summary>
internal sealed class DatabaseTarget : IDisposable
{
    private readonly LodeDatabase? _single;
    private readonly LodeCollection? _collection;
    private readonly string? _modelsDir;
    private readonly List<IDisposable> _embedders = [];
    private readonly Dictionary<string, LodeDatabase> _spaces = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Spaces open without their models (stored rows only: export).</summary>
    private bool _withoutModels;

    private DatabaseTarget(string path, bool readOnly, LodeDatabase? single, LodeCollection? collection, string? modelsDir)
    {
        Path = path;
        ReadOnly = readOnly;
        _single = single;
        _collection = collection;
        _modelsDir = modelsDir;
    }

    /// <summary>The full path of the database folder or collection root.</summary>
    public string Path { get; }

    /// <summary>True when writes are refused (<c>--read-only</c>): the handles hold no writer lock.</summary>
    public bool ReadOnly { get; }

    /// <summary>True when the path is a collection root: every call names a space.</summary>
    public bool IsCollection => _collection is not null;

    /// <summary>The spaces of a collection root (empty for one index).</summary>
    public IReadOnlyList<string> SpaceNames => _collection?.SpaceNames ?? [];

    /// <summary>True when the index, or any space of the collection, keeps raw text.</summary>
    public bool AnyStoresText => _single?.StoresText ?? _collection!.Spaces.Any(space => space.StoreText);

    /// <summary>True when the index, or any space, has a lexical source (hybrid search makes sense).</summary>
    public bool AnyLexical => _single?.HasLexicalIndex ?? _collection!.Spaces.Any(space => space.StoreText || space.IndexText);

    /// <summary>
    /// Opens the collection root <paramref name="path"/> read-only for reading stored rows only
    /// (export): its spaces open without their models, so a custom space needs no recorded model
    /// folder and a preset space no model files.
    /// </summary>
    public static DatabaseTarget OpenCollectionWithoutModels(string path)
    {
        DatabaseTarget target = Open(path, readOnly: true, null, null);
        target._withoutModels = true;
        return target;
    }

    /// <summary>Opens <paramref name="path"/> (an existing index or collection root); <paramref name="embedder"/> is the one of the command line, if any (owned by the target).</summary>
    public static DatabaseTarget Open(string path, bool readOnly, IEmbeddingGenerator<string, Embedding<float>>? embedder, string? modelsDir)
    {
        string full = DatabaseOpener.RequireFolder(path);
        if (File.Exists(System.IO.Path.Combine(full, LodeCollection.ManifestFileName)))
        {
            embedder?.Dispose();
            var collection = LodeCollection.Open(full, new LodeCollectionOptions { ReadOnly = readOnly });
            return new DatabaseTarget(full, readOnly, null, collection, modelsDir);
        }

        embedder ??= ModelOptions.LoadRemembered(full);
        try
        {
            LodeDatabase db = DatabaseOpener.Open(full, new LodeDbOptions
            {
                ReadOnly = readOnly,
                Embedder = embedder,
                ModelName = DatabaseOpener.EmbedderName(embedder),
                ModelDirectory = embedder is null ? modelsDir : null,
                // Many requests at once: each search stays on its own thread.
                SearchThreads = 1,
            });
            var target = new DatabaseTarget(full, readOnly, db, null, modelsDir);
            if (embedder is not null)
            {
                target._embedders.Add(embedder);
            }

            return target;
        }
        catch
        {
            embedder?.Dispose();
            throw;
        }
    }

    /// <summary>The index to use: the single one (<paramref name="space"/> must be null), or the named space of the collection.</summary>
    /// <exception cref="CliUsageException">A space given for a single index, or none (or an unknown one) for a collection.</exception>
    public LodeDatabase Resolve(string? space)
    {
        if (_single is not null)
        {
            return string.IsNullOrEmpty(space)
                ? _single
                : throw new CliUsageException($"'{Path}' is a single database, not a collection: drop the space argument.");
        }

        IReadOnlyList<string> names = _collection!.SpaceNames;
        if (string.IsNullOrEmpty(space))
        {
            throw new CliUsageException($"'{Path}' is a collection: name a space (one of: {string.Join(", ", names)}).");
        }

        if (!names.Contains(space, StringComparer.Ordinal))
        {
            throw new CliNotFoundException($"the collection '{Path}' has no space '{space}' (spaces: {string.Join(", ", names)}).");
        }

        lock (_gate)
        {
            if (!_spaces.TryGetValue(space, out LodeDatabase? db))
            {
                db = OpenSpace(space);
                _spaces[space] = db;
            }

            return db;
        }
    }

    private LodeDatabase OpenSpace(string space)
    {
        if (_withoutModels)
        {
            return _collection!.Space(space, new LodeDbOptions { ReadOnly = ReadOnly, WithoutEmbedder = true });
        }

        LodeSpaceInfo info = _collection!.Describe(space);
        if (info.Kind != LodeSpaceKind.Custom)
        {
            return _collection.Space(space, info.Kind == LodeSpaceKind.Preset && _modelsDir is not null
                ? new LodeDbOptions { ReadOnly = ReadOnly, ModelDirectory = _modelsDir }
                : null);
        }

        string folder = System.IO.Path.Combine(Path, LodeCollection.SpacesFolderName, space);
        IEmbeddingGenerator<string, Embedding<float>> embedder = ModelOptions.LoadRemembered(folder)
            ?? throw new CliUsageException($"the space '{space}' uses the custom model {info.Model}, and no model folder is recorded for it ({ModelSource.FileName} in {folder}).");
        _embedders.Add(embedder);
        return _collection.Space(space, new LodeDbOptions { ReadOnly = ReadOnly, Embedder = embedder, ModelName = DatabaseOpener.EmbedderName(embedder) });
    }

    public void Dispose()
    {
        _single?.Dispose();
        _collection?.Dispose();
        foreach (IDisposable embedder in _embedders)
        {
            embedder.Dispose();
        }
    }
}
