using System.Text;
using LodeDb.Embeddings.Onnx;
using Microsoft.Extensions.AI;

namespace LodeDb.Tests;

/// <summary>
/// The real fixture model (tests/fixtures/text-bert, a BERT-shaped ONNX model whose topic words
/// share directions) behind the custom-embedder route. Never a fake embedding: every vector in
/// these tests comes out of ONNX Runtime.
/// </summary>
internal static class TextFixture
{
    public const string ModelName = "fixture-text-bert";

    private static readonly Lazy<string> Folder = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LodeDb.Native.sln")))
            {
                return Path.Combine(dir.FullName, "tests", "fixtures", "text-bert");
            }
        }

        throw new DirectoryNotFoundException("LodeDb.Native.sln not found above the test assembly.");
    });

    /// <summary>One embedder per test fixture run (thread-safe, one ONNX session).</summary>
    public static readonly Lazy<OnnxTextEmbedder> Embedder = new(() => new OnnxTextEmbedder(Folder.Value));

    public static LodeDbOptions Options(bool? storeText = null, bool? indexText = null, CommitMode? mode = null, int maxChunkChars = LodeDatabase.DefaultMaxChunkChars) => new()
    {
        Embedder = Embedder.Value,
        ModelName = ModelName,
        StoreText = storeText,
        IndexText = indexText,
        CommitMode = mode,
        MaxChunkChars = maxChunkChars,
    };

    /// <summary>Every file of the folder whose bytes contain <paramref name="text"/> as UTF-8 or UTF-16 (LE or BE).</summary>
    public static List<string> FilesContaining(string folder, string text)
    {
        byte[][] needles = [Encoding.UTF8.GetBytes(text), Encoding.Unicode.GetBytes(text), Encoding.BigEndianUnicode.GetBytes(text)];
        var found = new List<string>();
        foreach (string file in Directory.GetFiles(folder, "*", SearchOption.AllDirectories))
        {
            if (new FileInfo(file).Length == 0)
            {
                continue; // LOCK (held by an open writer) is always empty
            }

            byte[] data = File.ReadAllBytes(file);
            if (needles.Any(needle => data.AsSpan().IndexOf(needle) >= 0))
            {
                found.Add(Path.GetFileName(file));
            }
        }

        return found;
    }
}

/// <summary>
/// Wraps the real embedder to count its calls (and optionally hide its metadata, so the index
/// must take the dimension from the first output). Every vector still comes from the model.
/// </summary>
internal sealed class CountingEmbedder(IEmbeddingGenerator<string, Embedding<float>> inner, bool hideMetadata = false) : IEmbeddingGenerator<string, Embedding<float>>
{
    private int _calls;
    private int _texts;

    public int Calls => Volatile.Read(ref _calls);

    public int Texts => Volatile.Read(ref _texts);

    public List<EmbeddingGenerationOptions?> OptionsSeen { get; } = [];

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        string[] texts = values.ToArray();
        Interlocked.Increment(ref _calls);
        Interlocked.Add(ref _texts, texts.Length);
        lock (OptionsSeen)
        {
            OptionsSeen.Add(options);
        }

        return await inner.GenerateAsync(texts, options, cancellationToken).ConfigureAwait(false);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        hideMetadata && serviceType == typeof(EmbeddingGeneratorMetadata) ? null : inner.GetService(serviceType, serviceKey);

    public void Dispose()
    {
        // The inner embedder is shared by the fixture.
    }
}
