using LodeDb.Embeddings.Onnx.Tests;

namespace LodeDb.Cli.Tests;

/// <summary>A scratch folder deleted on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "lodedb-cli-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>Writes <paramref name="text"/> to <paramref name="relative"/> (folders created); returns the full path.</summary>
    public string Write(string relative, string text)
    {
        string path = Combine(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Copies the text-bert fixture's files (onnx/model.onnx, vocab.txt, tokenizer_config.json) into <paramref name="relative"/>.</summary>
    public string CopyTextBert(string relative)
    {
        string target = Combine(relative);
        Directory.CreateDirectory(System.IO.Path.Combine(target, "onnx"));
        foreach (string file in new[] { "onnx/model.onnx", "vocab.txt", "tokenizer_config.json" })
        {
            File.Copy(System.IO.Path.Combine(RepositoryPaths.TextBert, file), System.IO.Path.Combine(target, file));
        }

        return target;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
