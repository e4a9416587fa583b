using System.Text.Json;
using System.Text.Json.Nodes;

namespace LodeDb.Cli.Commands;

/// <summary>
/// How a custom-model database was indexed: the model folder (absolute) and the model name given
/// to <c>lodedb index --onnx-model F --model-name N</c>, kept next to the index in
/// <see cref="FileName"/> so <c>query</c>, <c>mcp</c>, <c>serve</c> and <c>export</c> need no model
/// flags. Non-secret identity: a path and a name, the same name the index itself records. The
/// database never reads this file; the index's own ModelName check still guards every open.
/// </summary>
internal sealed record ModelSource(string Folder, string Name)
{
    /// <summary>The file in the database folder (not generation-addressed: the database leaves it alone).</summary>
    public const string FileName = "lodedb-cli-model.json";

    /// <summary>The remembered source of the database in <paramref name="databaseFolder"/>, or null when none was written.</summary>
    /// <exception cref="CliUsageException">The file exists but is not what this tool writes.</exception>
    public static ModelSource? Read(string databaseFolder)
    {
        string path = Path.Combine(databaseFolder, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            JsonNode? node = JsonNode.Parse(File.ReadAllText(path));
            string? folder = node?["modelFolder"]?.GetValue<string>();
            string? name = node?["modelName"]?.GetValue<string>();
            if (string.IsNullOrWhiteSpace(folder) || string.IsNullOrWhiteSpace(name))
            {
                throw new CliUsageException($"{path} lacks modelFolder or modelName. Pass --onnx-model FOLDER --model-name NAME (the next `lodedb index` with them rewrites it).");
            }

            return new ModelSource(folder, name);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new CliUsageException($"{path} is not valid ({e.Message}). Pass --onnx-model FOLDER --model-name NAME (the next `lodedb index` with them rewrites it).");
        }
    }

    /// <summary>Records the source in <paramref name="databaseFolder"/> (temp file + rename: a reader sees the old or the new file).</summary>
    public void Write(string databaseFolder)
    {
        string path = Path.Combine(databaseFolder, FileName);
        var node = new JsonObject { ["modelFolder"] = Path.GetFullPath(Folder), ["modelName"] = Name };
        AtomicFile.WriteAllText(path, node.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }
}
