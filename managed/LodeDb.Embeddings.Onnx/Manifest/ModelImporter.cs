namespace LodeDb.Embeddings.Onnx;

/// <summary>
/// Registers model files a user already has as a preset's model (what <c>lodedb models import
/// &lt;preset&gt; &lt;folder&gt;</c> runs), so a preset works offline: checks the folder's shape
/// against the preset, copies the files into <c>&lt;root&gt;/&lt;preset&gt;</c> in the preset's
/// layout and writes <c>lodedb-model.json</c> with each file's size and SHA-256, which every later
/// load verifies (<see cref="ModelIntegrity"/>).
/// </summary>
/// <remarks>
/// <para>Text presets (<c>minilm</c>, <c>bge</c>): the folder holds <c>model.onnx</c> or
/// <c>onnx/model.onnx</c> and <c>vocab.txt</c>, optionally <c>tokenizer_config.json</c> and
/// <c>tokenizer.json</c>. The check opens the model as the preset would: inputs
/// <c>input_ids</c>/<c>attention_mask</c> (and <c>token_type_ids</c>), output
/// <c>last_hidden_state</c> of the preset's width, the preset's vocabulary size, and one run of
/// the vocabulary's last token id (a vocabulary longer than the model's embedding table fails).</para>
/// <para><c>clip</c>: the preset's files in its layout; the check opens the text tower and its width.</para>
/// <para>The copy is written to a staging folder beside the target and moved into place when every
/// file has been copied and hashed, so a failed import leaves the previous model as it was.</para>
/// </remarks>
public static class ModelImporter
{
    private static readonly string[] OptionalTextFiles = [WordPieceTextTokenizer.ConfigFileName, "tokenizer.json"];

    /// <summary>Imports <paramref name="sourceFolder"/> as the preset called <paramref name="preset"/>; see <see cref="Import(ModelPreset, string, string?, bool)"/>.</summary>
    public static ModelImportResult Import(string preset, string sourceFolder, string? targetRoot = null, bool overwrite = false)
        => Import(ModelPresets.Get(preset), sourceFolder, targetRoot, overwrite);

    /// <summary>
    /// Checks <paramref name="sourceFolder"/> against <paramref name="preset"/> and registers it as
    /// the preset's model under <paramref name="targetRoot"/> (else <c>LODEDB_MODEL_DIR</c>, else the
    /// per-user cache). When the source already is that folder, only the manifest is written.
    /// </summary>
    /// <exception cref="ModelNotFoundException">The source folder or a file it must hold is missing.</exception>
    /// <exception cref="ModelFormatException">The files do not fit the preset (inputs, output width, vocabulary).</exception>
    /// <exception cref="ModelDamagedException">The source has a manifest its files no longer match.</exception>
    /// <exception cref="InvalidOperationException">The preset's folder already holds a model and <paramref name="overwrite"/> is false.</exception>
    public static ModelImportResult Import(ModelPreset preset, string sourceFolder, string? targetRoot = null, bool overwrite = false)
    {
        ArgumentNullException.ThrowIfNull(preset);
        ArgumentException.ThrowIfNullOrWhiteSpace(sourceFolder);
        string source = Path.GetFullPath(sourceFolder);
        if (!Directory.Exists(source))
        {
            throw new ModelNotFoundException(source, source, preset.Name);
        }

        (List<(string From, string To)> files, int dimension, int? vocabulary, string? tokenizer) = preset switch
        {
            TextModelPreset text => CheckText(text, source),
            ClipModelPreset clip => CheckClip(clip, source),
            _ => throw new ArgumentException($"The preset '{preset.Name}' cannot be imported.", nameof(preset)),
        };

        string target = ModelDownloader.ModelFolder(preset, targetRoot);
        bool inPlace = string.Equals(target.TrimEnd(Path.DirectorySeparatorChar), source.TrimEnd(Path.DirectorySeparatorChar), StringComparison.Ordinal);
        if (inPlace)
        {
            // Registering the folder where it is: the files stay, the layout must already be found.
            List<ModelManifestFile> entries = [.. files.Select(f => Entry(source, f.From))];
            string manifestPath = new ModelManifest(preset.Name, $"import:{source}", entries).Write(source);
            return new ModelImportResult(preset.Name, source, source, manifestPath, entries, dimension, vocabulary, tokenizer, InPlace: true);
        }

        if (!overwrite && Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
        {
            throw new InvalidOperationException(
                $"'{target}' already holds files for the '{preset.Name}' preset; import with overwrite (`lodedb models import {preset.Name} <folder> --force`) to replace them.");
        }

        return Copy(preset, source, target, files, dimension, vocabulary, tokenizer);
    }

    private static (List<(string From, string To)> Files, int Dimension, int? Vocabulary, string? Tokenizer) CheckText(TextModelPreset preset, string source)
    {
        OnnxTextEmbedderOptions options = preset.ToOptions();
        options.BatchSize = 1;
        using var embedder = new OnnxTextEmbedder(source, options);
        if (preset.VocabularySize is int expected && embedder.VocabularySize != expected)
        {
            throw new ModelFormatException(Path.Combine(source, WordPieceTextTokenizer.VocabFileName),
                $"it holds {embedder.VocabularySize:N0} tokens, but the '{preset.Name}' preset's vocabulary has {expected:N0}: the folder holds another model");
        }

        embedder.CheckVocabularyFits();

        // The model goes where the preset's layout puts it (onnx/model.onnx), whatever its place in the source.
        string modelInPreset = preset.Files.FirstOrDefault(f => f.EndsWith(".onnx", StringComparison.Ordinal)) ?? ModelFolderResolver.ModelFileCandidates[0];
        var files = new List<(string, string)>
        {
            (Path.GetRelativePath(source, embedder.ModelFile).Replace(Path.DirectorySeparatorChar, '/'), modelInPreset),
            (WordPieceTextTokenizer.VocabFileName, WordPieceTextTokenizer.VocabFileName),
        };
        files.AddRange(OptionalTextFiles.Where(f => File.Exists(Path.Combine(source, f))).Select(f => (f, f)));
        return (files, embedder.Dimension, embedder.VocabularySize, embedder.TokenizerSettings);
    }

    private static (List<(string From, string To)> Files, int Dimension, int? Vocabulary, string? Tokenizer) CheckClip(ClipModelPreset preset, string source)
    {
        using var embedder = new OnnxClipEmbedder(source, preset.ToOptions());
        foreach (string file in preset.Files)
        {
            string path = Path.Combine(source, file.Replace('/', Path.DirectorySeparatorChar));
            if (!File.Exists(path))
            {
                throw new ModelNotFoundException(source, path, preset.Name);
            }
        }

        return ([.. preset.Files.Select(f => (f, f))], embedder.Dimension, null, null);
    }

    private static ModelImportResult Copy(ModelPreset preset, string source, string target, List<(string From, string To)> files, int dimension, int? vocabulary, string? tokenizer)
    {
        string parent = Path.GetDirectoryName(target)!;
        string name = Path.GetFileName(target);
        string staging = Path.Combine(parent, $".{name}.import-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        try
        {
            var entries = new List<ModelManifestFile>(files.Count);
            foreach ((string from, string to) in files)
            {
                string sourcePath = Path.Combine(source, from.Replace('/', Path.DirectorySeparatorChar));
                string stagedPath = Path.Combine(staging, to.Replace('/', Path.DirectorySeparatorChar));
                Directory.CreateDirectory(Path.GetDirectoryName(stagedPath)!);
                string expected = ModelIntegrity.Sha256Of(new FileInfo(sourcePath));
                File.Copy(sourcePath, stagedPath);
                using (var copy = new FileStream(stagedPath, FileMode.Open, FileAccess.ReadWrite))
                {
                    copy.Flush(flushToDisk: true);
                }

                ModelManifestFile entry = Entry(staging, to);
                if (entry.Sha256 != expected)
                {
                    throw new IOException($"The copy of '{sourcePath}' in '{stagedPath}' reads back with SHA-256 {entry.Sha256}, not {expected}: the disk or the source changed during the import.");
                }

                entries.Add(entry);
            }

            new ModelManifest(preset.Name, $"import:{source}", entries).Write(staging);

            // Swap: the old folder (if any) aside, the staged one in, then the old one away.
            string? old = null;
            if (Directory.Exists(target))
            {
                old = Path.Combine(parent, $".{name}.replaced-{Environment.ProcessId}-{Guid.NewGuid():N}");
                Directory.Move(target, old);
            }

            try
            {
                Directory.Move(staging, target);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                if (old is not null)
                {
                    Directory.Move(old, target); // the previous model back in place
                }

                throw;
            }

            if (old is not null)
            {
                Directory.Delete(old, recursive: true);
            }

            // A rename keeps content, size and write time: the next load's check reuses these hashes.
            foreach (ModelManifestFile entry in entries)
            {
                ModelIntegrity.Remember(new FileInfo(Path.Combine(target, entry.Path.Replace('/', Path.DirectorySeparatorChar))), entry.Sha256);
            }

            return new ModelImportResult(preset.Name, source, target, Path.Combine(target, ModelManifest.FileName), entries, dimension, vocabulary, tokenizer, InPlace: false);
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    private static ModelManifestFile Entry(string folder, string relative)
    {
        var info = new FileInfo(Path.Combine(folder, relative.Replace('/', Path.DirectorySeparatorChar)));
        return new ModelManifestFile(relative, info.Length, ModelIntegrity.Sha256Of(info));
    }
}
