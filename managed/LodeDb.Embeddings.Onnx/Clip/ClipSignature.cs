using LodeDb.Embeddings.Onnx.Images;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace LodeDb.Embeddings.Onnx;

/// <summary>
/// What a CLIP export must look like to <see cref="OnnxClipEmbedder"/>: the inputs and outputs of
/// its two towers, checked when a session is created, so a wrong file is a
/// <see cref="ModelFormatException"/> naming it rather than a failed run later.
/// </summary>
internal static class ClipSignature
{
    /// <summary>Checks the text tower's inputs and output; returns the inputs it takes (ids, and the mask when it has one) and its output width (0 when symbolic).</summary>
    public static (string[] Inputs, int Dimension) CheckText(InferenceSession session, string file)
    {
        const string Expectation = $"a CLIP text tower takes {OnnxClipEmbedder.InputIdsName} (and optionally {OnnxClipEmbedder.AttentionMaskName}) as int64 [batch, 77] and returns {OnnxClipEmbedder.TextOutputName} as float [batch, dimension]";
        IReadOnlyDictionary<string, NodeMetadata> inputs = session.InputMetadata;
        var names = new List<string>();
        foreach ((string name, NodeMetadata meta) in inputs)
        {
            if (name is not (OnnxClipEmbedder.InputIdsName or OnnxClipEmbedder.AttentionMaskName))
            {
                throw new ModelFormatException(file, $"it has an input '{name}' this embedder cannot feed (inputs: {string.Join(", ", inputs.Keys)}); {Expectation}.");
            }

            if (!meta.IsTensor || meta.ElementDataType != TensorElementType.Int64 || meta.Dimensions.Length != 2)
            {
                throw new ModelFormatException(file, $"input '{name}' is {Describe(meta)}, not int64 [batch, sequence]; {Expectation}.");
            }

            names.Add(name);
        }

        if (!inputs.ContainsKey(OnnxClipEmbedder.InputIdsName))
        {
            throw new ModelFormatException(file, $"it has no input '{OnnxClipEmbedder.InputIdsName}' (inputs: {string.Join(", ", inputs.Keys)}); {Expectation}.");
        }

        NodeMetadata output = OutputOf(session, file, OnnxClipEmbedder.TextOutputName, Expectation);
        return (names.ToArray(), Math.Max(output.Dimensions[1], 0));
    }

    /// <summary>Checks the vision tower's input and output, and that its output width is the text tower's <paramref name="textDimension"/>.</summary>
    public static void CheckVision(InferenceSession session, string file, int textDimension)
    {
        const string Expectation = $"a CLIP vision tower takes {OnnxClipEmbedder.PixelValuesName} as float [batch, 3, 224, 224] and returns {OnnxClipEmbedder.ImageOutputName} as float [batch, dimension]";
        IReadOnlyDictionary<string, NodeMetadata> inputs = session.InputMetadata;
        if (inputs.Count != 1 || !inputs.TryGetValue(OnnxClipEmbedder.PixelValuesName, out NodeMetadata? input))
        {
            throw new ModelFormatException(file, $"its inputs are {string.Join(", ", inputs.Keys)}; {Expectation}.");
        }

        int[] d = input.Dimensions;
        if (!input.IsTensor || input.ElementDataType != TensorElementType.Float || d.Length != 4
            || !Fits(d[1], 3) || !Fits(d[2], ClipImagePreprocessor.Size) || !Fits(d[3], ClipImagePreprocessor.Size))
        {
            throw new ModelFormatException(file, $"input '{OnnxClipEmbedder.PixelValuesName}' is {Describe(input)}; {Expectation}.");
        }

        NodeMetadata output = OutputOf(session, file, OnnxClipEmbedder.ImageOutputName, Expectation);
        if (output.Dimensions[1] > 0 && output.Dimensions[1] != textDimension)
        {
            throw new ModelFormatException(file, $"its {OnnxClipEmbedder.ImageOutputName} are {output.Dimensions[1]}-dimensional but the text tower's {OnnxClipEmbedder.TextOutputName} are {textDimension}-dimensional; the two towers must share one space.");
        }
    }

    /// <summary>A dimension that is <paramref name="expected"/> or symbolic (-1).</summary>
    private static bool Fits(int dimension, int expected) => dimension == expected || dimension < 0;

    private static NodeMetadata OutputOf(InferenceSession session, string file, string name, string expectation)
    {
        if (!session.OutputMetadata.TryGetValue(name, out NodeMetadata? output))
        {
            throw new ModelFormatException(file, $"it has no output '{name}' (outputs: {string.Join(", ", session.OutputMetadata.Keys)}); {expectation}.");
        }

        if (!output.IsTensor || output.ElementDataType != TensorElementType.Float || output.Dimensions.Length != 2)
        {
            throw new ModelFormatException(file, $"output '{name}' is {Describe(output)}, not float [batch, dimension]; {expectation}.");
        }

        return output;
    }

    private static string Describe(NodeMetadata meta) => meta.IsTensor
        ? $"{meta.ElementDataType} [{string.Join(", ", meta.Dimensions)}]"
        : meta.OnnxValueType.ToString();
}
