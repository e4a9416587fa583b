using System.Text.Json;

namespace LodeDb.Embeddings.Onnx;

/// <summary>One file a model manifest vouches for.</summary>
/// <param name="Path">Path inside the model folder ('/' separated).</param>
/// <param name="Size">Size in bytes.</param>
/// <param name="Sha256">SHA-256 of the content (lower-case hex).</param>
public sealed record ModelManifestFile(string Path, long Size, string Sha256);

/// <summary>
/// <c>lodedb-model.json</c>, written into a model folder by <c>lodedb models pull</c>
/// (<see cref="ModelDownloader"/>) and <c>lodedb models import</c> (<see cref="ModelImporter"/>):
/// the preset, where the files came from, and each file's size and SHA-256. Loading a folder that
/// has one checks every listed file against it (<see cref="ModelIntegrity"/>).
/// </summary>
/// <param name="Preset">The preset the folder holds (<c>minilm</c>, <c>bge</c>, <c>clip</c>), or null.</param>
/// <param name="Source">Where the files came from: the hub repository and revision of a pull, or the folder an import copied.</param>
/// <param name="Files">The files, each with size and SHA-256.</param>
public sealed record ModelManifest(string? Preset, string Source, IReadOnlyList<ModelManifestFile> Files)
{
    /// <summary>The manifest's file name in a model folder.</summary>
    public const string FileName = "lodedb-model.json";

    /// <summary>The format number this code reads and writes.</summary>
    public const int Format = 1;

    /// <summary>Reads the manifest at <paramref name="path"/>.</summary>
    /// <exception cref="ModelFormatException">It is not a manifest this version reads (bad JSON, unknown format, a file entry without path, size or SHA-256, a path leaving the folder).</exception>
    public static ModelManifest Read(string path)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(path));
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ModelFormatException(path, "the model manifest is not a JSON object");
            }

            if (!root.TryGetProperty("format", out JsonElement format) || format.ValueKind != JsonValueKind.Number || format.GetInt32() != Format)
            {
                throw new ModelFormatException(path, $"the model manifest has no \"format\": {Format} (written by another LodeDb version?)");
            }

            string? preset = root.TryGetProperty("preset", out JsonElement p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
            string source = root.TryGetProperty("repository", out JsonElement repository) && repository.ValueKind == JsonValueKind.String
                ? $"{repository.GetString()}@{(root.TryGetProperty("revision", out JsonElement revision) ? revision.GetString() : "?")}"
                : root.TryGetProperty("source", out JsonElement s) && s.ValueKind == JsonValueKind.String ? s.GetString()! : "unknown";
            if (!root.TryGetProperty("files", out JsonElement files) || files.ValueKind != JsonValueKind.Array)
            {
                throw new ModelFormatException(path, "the model manifest has no \"files\" array");
            }

            var list = new List<ModelManifestFile>();
            foreach (JsonElement file in files.EnumerateArray())
            {
                list.Add(ReadFile(path, file));
            }

            return new ModelManifest(preset, source, list);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            throw new ModelFormatException(path, $"the model manifest is not valid ({e.Message})", e);
        }
    }

    /// <summary>Writes the manifest into <paramref name="folder"/> (through a temporary file and a rename); returns its path.</summary>
    public string Write(string folder)
    {
        string path = System.IO.Path.Combine(folder, FileName);
        WriteFile(path, Preset, [("source", Source)], Files.Select(f => new Entry(f.Path, f.Size, f.Sha256, null)));
        return path;
    }

    /// <summary>One file line of a manifest as written: a pull also records the git blob id it verified a small file by.</summary>
    internal readonly record struct Entry(string Path, long Size, string Sha256, string? GitBlobSha1);

    /// <summary>
    /// The one writer of <c>lodedb-model.json</c> (an import's and a pull's): format, preset, the origin
    /// properties in order, then the files; through a temporary file, flushed, then renamed over <paramref name="path"/>.
    /// </summary>
    internal static void WriteFile(string path, string? preset, IReadOnlyList<(string Name, string Value)> origin, IEnumerable<Entry> files)
    {
        string temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            {
                json.WriteStartObject();
                json.WriteNumber("format", Format);
                if (preset is not null)
                {
                    json.WriteString("preset", preset);
                }

                foreach ((string name, string value) in origin)
                {
                    json.WriteString(name, value);
                }

                json.WriteStartArray("files");
                foreach (Entry file in files)
                {
                    json.WriteStartObject();
                    json.WriteString("path", file.Path);
                    json.WriteNumber("size", file.Size);
                    json.WriteString("sha256", file.Sha256);
                    if (file.GitBlobSha1 is not null)
                    {
                        json.WriteString("gitBlobSha1", file.GitBlobSha1);
                    }

                    json.WriteString("verifiedBy", file.GitBlobSha1 is null ? "sha256" : "git-blob-sha1");
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    private static ModelManifestFile ReadFile(string manifestPath, JsonElement file)
    {
        if (file.ValueKind != JsonValueKind.Object
            || !file.TryGetProperty("path", out JsonElement path) || path.ValueKind != JsonValueKind.String
            || !file.TryGetProperty("size", out JsonElement size) || size.ValueKind != JsonValueKind.Number
            || !file.TryGetProperty("sha256", out JsonElement sha) || sha.ValueKind != JsonValueKind.String)
        {
            throw new ModelFormatException(manifestPath, "a file entry of the model manifest lacks \"path\", \"size\" or \"sha256\"");
        }

        string relative = path.GetString()!;
        string hash = sha.GetString()!;
        bool escapes = relative.Length == 0 || relative.Contains('\\', StringComparison.Ordinal) || System.IO.Path.IsPathRooted(relative)
            || relative.Split('/').Any(segment => segment is "" or "." or "..");
        if (escapes)
        {
            throw new ModelFormatException(manifestPath, $"the model manifest lists '{relative}', which is not a path inside the model folder");
        }

        if (hash.Length != 64 || !hash.All(char.IsAsciiHexDigitLower))
        {
            throw new ModelFormatException(manifestPath, $"the SHA-256 of '{relative}' in the model manifest is not 64 lower-case hex digits");
        }

        long bytes = size.GetInt64();
        if (bytes < 0)
        {
            throw new ModelFormatException(manifestPath, $"the size of '{relative}' in the model manifest is negative");
        }

        return new ModelManifestFile(relative, bytes, hash);
    }
}
