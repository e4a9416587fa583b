using System.CommandLine;
using LodeDb.Embeddings.Onnx;
using Microsoft.Extensions.AI;

namespace LodeDb.Cli.Commands;

/// <summary>
/// The options that choose a database's embedder, shared by <c>index</c>, <c>query</c> and
/// <c>stats</c>: a preset (<c>--model</c>, only where a database may be created), or a custom ONNX
/// model folder (<c>--onnx-model FOLDER --model-name NAME</c>: BERT-style text, or a CLIP export with
/// text and vision models, which makes an image+text database), and the models root.
/// </summary>
internal sealed class ModelOptions
{
    private readonly Option<string>? _preset;

    public ModelOptions(bool allowPreset)
    {
        if (allowPreset)
        {
            _preset = new Option<string>("--model")
            {
                Description = "Preset model of a new database: minilm, bge or clip (files from the models root; `lodedb models pull <preset>`).",
                HelpName = "minilm|bge|clip",
            };
            _preset.AcceptOnlyFromAmong("minilm", "bge", "clip");
        }
    }

    public Option<string> OnnxModel { get; } = new("--onnx-model")
    {
        Description = "Folder of a custom ONNX model: BERT-style text (onnx/model.onnx, vocab.txt), or CLIP-style text+images (onnx/text_model.onnx, onnx/vision_model.onnx, vocab.json, merges.txt). Needs --model-name.",
        HelpName = "FOLDER",
    };

    public Option<string> ModelName { get; } = new("--model-name")
    {
        Description = "Name recorded for the custom model of --onnx-model, checked on every open (not a secret).",
        HelpName = "NAME",
    };

    public Option<string> ModelsDir { get; } = new("--models-dir")
    {
        Description = "Models root holding <preset>/ folders (default: LODEDB_MODEL_DIR, else the per-user cache).",
        HelpName = "DIR",
    };

    public void AddTo(Command command)
    {
        if (_preset is not null)
        {
            command.Options.Add(_preset);
        }

        command.Options.Add(OnnxModel);
        command.Options.Add(ModelName);
        command.Options.Add(ModelsDir);
    }

    /// <summary>The chosen preset, or null.</summary>
    public string? Preset(ParseResult parsed) => _preset is null ? null : parsed.GetValue(_preset);

    /// <summary>
    /// Checks the combination and loads the custom embedder when one is asked for (the caller
    /// disposes it after the database). Returns null for no custom embedder.
    /// </summary>
    /// <remarks>
    /// Without model flags, the source remembered in <paramref name="databaseFolder"/> (written by
    /// <c>index</c>, <see cref="ModelSource"/>) is loaded, so a custom-model database needs the
    /// flags only once.
    /// </remarks>
    public IEmbeddingGenerator<string, Embedding<float>>? LoadEmbedder(ParseResult parsed, string? databaseFolder = null)
    {
        string? preset = Preset(parsed);
        string? folder = parsed.GetValue(OnnxModel);
        string? name = parsed.GetValue(ModelName);
        if (preset is not null && folder is not null)
        {
            throw new CliUsageException("--model and --onnx-model both choose the embedder; give one of them.");
        }

        if (folder is null)
        {
            if (name is not null)
            {
                throw new CliUsageException("--model-name names the model of --onnx-model; give --onnx-model FOLDER too.");
            }

            return preset is null && databaseFolder is not null ? LoadRemembered(databaseFolder) : null;
        }

        if (string.IsNullOrWhiteSpace(name))
        {
            throw new CliUsageException("--onnx-model needs --model-name NAME: the name recorded in the database and checked on every open.");
        }

        if (!Directory.Exists(folder))
        {
            throw new CliNotFoundException($"the model folder '{Path.GetFullPath(folder)}' of --onnx-model does not exist.");
        }

        return Create(folder, name);
    }

    /// <summary>The embedder of the source remembered in <paramref name="databaseFolder"/>, or null when none is.</summary>
    public static IEmbeddingGenerator<string, Embedding<float>>? LoadRemembered(string databaseFolder)
    {
        if (ModelSource.Read(databaseFolder) is not ModelSource source)
        {
            return null;
        }

        if (!Directory.Exists(source.Folder))
        {
            throw new CliNotFoundException($"the model folder '{source.Folder}' this database was indexed with (recorded in {ModelSource.FileName}) does not exist. Pass --onnx-model FOLDER --model-name {source.Name}.");
        }

        return Create(source.Folder, source.Name);
    }

    /// <summary>The ONNX embedder of a model folder: CLIP (image+text) when it has a vision tower, else BERT-style text.</summary>
    public static IEmbeddingGenerator<string, Embedding<float>> Create(string folder, string name)
    {
        // A CLIP export (a vision tower next to the text tower) is an image+text embedder.
        bool clip = File.Exists(Path.Combine(folder, "onnx", "vision_model.onnx")) || File.Exists(Path.Combine(folder, "vision_model.onnx"));
        return clip
            ? new OnnxClipEmbedder(folder, new OnnxClipEmbedderOptions { ModelId = name })
            : new OnnxTextEmbedder(folder, new OnnxTextEmbedderOptions { ModelId = name });
    }
}
