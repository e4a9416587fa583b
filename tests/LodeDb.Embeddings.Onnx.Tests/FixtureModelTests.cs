using Microsoft.ML.OnnxRuntime;

namespace LodeDb.Embeddings.Onnx.Tests;

/// <summary>
/// The fixture model itself, run directly on ONNX Runtime: it has the real exports' signature and
/// its output depends on all three inputs (so an embedder feeding them wrongly is caught).
/// </summary>
public sealed class FixtureModelTests
{
    private static readonly long[] Ids = [2, 90, 94, 3]; // [CLS] car mechanic [SEP]

    [Test]
    public void Signature_is_that_of_a_bert_export()
    {
        using var session = new InferenceSession(Path.Combine(RepositoryPaths.TextBert, "onnx", "model.onnx"));

        Assert.Multiple(() =>
        {
            Assert.That(session.InputMetadata.Keys, Is.EquivalentTo(new[] { "input_ids", "attention_mask", "token_type_ids" }));
            Assert.That(session.OutputMetadata.Keys, Is.EquivalentTo(new[] { "last_hidden_state" }));
            Assert.That(session.OutputMetadata["last_hidden_state"].Dimensions, Is.EqualTo(new[] { -1, -1, 32 }));
        });
    }

    [Test]
    public void Token_type_ids_change_the_output()
    {
        float[] zeros = Run([1, 1, 1, 1], [0, 0, 0, 0]);
        float[] ones = Run([1, 1, 1, 1], [1, 1, 1, 1]);

        Assert.That(VectorMath.MaxAbsDifference(zeros, ones), Is.GreaterThan(1e-3));
    }

    [Test]
    public void Attention_mask_hides_a_token_from_the_others_and_zeroes_its_output()
    {
        float[] all = Run([1, 1, 1, 1], [0, 0, 0, 0]);
        float[] masked = Run([1, 1, 0, 1], [0, 0, 0, 0]);

        Assert.Multiple(() =>
        {
            // Position 1 ("car") sees a different context when "mechanic" is masked.
            Assert.That(VectorMath.MaxAbsDifference(all[32..64], masked[32..64]), Is.GreaterThan(1e-3));
            Assert.That(masked[64..96], Is.All.EqualTo(0f));
        });
    }

    private static float[] Run(long[] mask, long[] types)
    {
        using var session = new InferenceSession(Path.Combine(RepositoryPaths.TextBert, "onnx", "model.onnx"));
        long[] shape = [1, Ids.Length];
        using OrtValue ids = OrtValue.CreateTensorValueFromMemory((long[])Ids.Clone(), shape);
        using OrtValue maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
        using OrtValue typeValue = OrtValue.CreateTensorValueFromMemory(types, shape);
        using var runOptions = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(runOptions,
            ["input_ids", "attention_mask", "token_type_ids"], [ids, maskValue, typeValue], ["last_hidden_state"]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
