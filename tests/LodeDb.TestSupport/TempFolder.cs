namespace LodeDb.TestSupport;

/// <summary>A scratch folder deleted on dispose. Shared with the CLI tests.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "lodedb-emb-" + Guid.NewGuid().ToString("N"));
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

    /// <summary>Copies the text-bert fixture into <paramref name="relative"/> of this folder; returns the copy's path.</summary>
    public string CopyTextBert(string relative, bool flattenModel = false)
    {
        string target = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(target);
        foreach (string name in new[] { "vocab.txt", "tokenizer_config.json" })
        {
            File.Copy(System.IO.Path.Combine(RepositoryPaths.TextBert, name), System.IO.Path.Combine(target, name));
        }

        string model = System.IO.Path.Combine(RepositoryPaths.TextBert, "onnx", "model.onnx");
        if (flattenModel)
        {
            File.Copy(model, System.IO.Path.Combine(target, "model.onnx"));
        }
        else
        {
            Directory.CreateDirectory(System.IO.Path.Combine(target, "onnx"));
            File.Copy(model, System.IO.Path.Combine(target, "onnx", "model.onnx"));
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
