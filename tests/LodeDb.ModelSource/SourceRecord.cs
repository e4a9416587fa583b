using System.Text.Json;

namespace LodeDb.ModelSource;

/// <summary>
/// <c>nuget-source.json</c> in each extracted folder: which package the files came from and their
/// sizes, so a later run keeps a complete folder and redoes a damaged or partial one.
/// </summary>
internal static class SourceRecord
{
    public const string FileName = "nuget-source.json";
    public const string UnavailableFileName = "unavailable.txt";

    public static bool IsComplete(string folder, RealModelPackage package)
    {
        string path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
        {
            return false;
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(path));
            JsonElement rootElement = document.RootElement;
            if (rootElement.GetProperty("package").GetString() != package.PackageId || rootElement.GetProperty("version").GetString() != package.Version)
            {
                return false;
            }

            foreach (JsonProperty file in rootElement.GetProperty("files").EnumerateObject())
            {
                var info = new FileInfo(Path.Combine(folder, file.Name));
                if (!info.Exists || info.Length != file.Value.GetInt64())
                {
                    return false;
                }
            }

            return true;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return false;
        }
    }

    public static void Write(string folder, RealModelPackage package, IReadOnlyDictionary<string, long> sizes)
    {
        using FileStream stream = File.Create(Path.Combine(folder, FileName));
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("model", package.Model);
        json.WriteString("package", package.PackageId);
        json.WriteString("version", package.Version);
        json.WriteString("licence", "MIT");
        json.WriteStartObject("files");
        foreach ((string file, long size) in sizes)
        {
            json.WriteNumber(file, size);
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>An exclusive lock on <c>&lt;root&gt;/.extract.lock</c>, waiting up to 10 minutes for another extraction.</summary>
    public static FileStream Lock(string root)
    {
        string path = Path.Combine(root, ".extract.lock");
        DateTime deadline = DateTime.UtcNow.AddMinutes(10);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(200);
            }
        }
    }
}
