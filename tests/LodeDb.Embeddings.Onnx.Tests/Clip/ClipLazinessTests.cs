using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.Extensions.AI;

namespace LodeDb.Embeddings.Onnx.Tests.Clip;

/// <summary>
/// A text-only app never loads SkiaSharp. Other tests of this process load it, so the check runs
/// on a second copy of LodeDb.Embeddings.Onnx in its own load context, which records every
/// assembly that copy asks for (and then falls back to the shared ones, so the interfaces match).
/// </summary>
public sealed class ClipLazinessTests
{
    private sealed class RecordingContext() : AssemblyLoadContext("clip-laziness", isCollectible: true)
    {
        public ConcurrentDictionary<string, bool> Requested { get; } = new(StringComparer.Ordinal);

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            Requested[assemblyName.Name!] = true;
            return null;
        }
    }

    [Test]
    public async Task Text_use_loads_neither_SkiaSharp_nor_the_vision_session()
    {
        var context = new RecordingContext();
        try
        {
            Assembly copy = context.LoadFromAssemblyPath(typeof(OnnxClipEmbedder).Assembly.Location);
            Assert.That(copy, Is.Not.SameAs(typeof(OnnxClipEmbedder).Assembly));
            Type type = copy.GetType(typeof(OnnxClipEmbedder).FullName!)!;
            var embedder = (IDisposable)Activator.CreateInstance(type, ClipFixture.Folder, null)!;
            using (embedder)
            {
                var text = (IEmbeddingGenerator<string, Embedding<float>>)embedder;
                await text.GenerateAsync(["a red circle", "blue squares"]);

                Assert.Multiple(() =>
                {
                    Assert.That(context.Requested.Keys, Does.Contain("Microsoft.ML.OnnxRuntime"), "the recorder sees the copy's dependencies");
                    Assert.That(context.Requested.Keys, Does.Not.Contain("SkiaSharp"));
                    Assert.That(type.GetProperty(nameof(OnnxClipEmbedder.IsVisionLoaded))!.GetValue(embedder), Is.False);
                });

                // The control: the first image loads both.
                var images = (IEmbeddingGenerator<DataContent, Embedding<float>>)embedder;
                await images.GenerateAsync([new DataContent(ClipFixture.ImageBytes("red_circle"), "image/png")]);
                Assert.Multiple(() =>
                {
                    Assert.That(context.Requested.Keys, Does.Contain("SkiaSharp"));
                    Assert.That(type.GetProperty(nameof(OnnxClipEmbedder.IsVisionLoaded))!.GetValue(embedder), Is.True);
                });
            }
        }
        finally
        {
            context.Unload();
        }
    }
}
