using System.Text.Json.Serialization;

namespace LodeDb.Embeddings.Onnx;

/// <summary>Source-generated System.Text.Json metadata for CLIP's vocab.json (token -> id): no reflection, NativeAOT-clean.</summary>
[JsonSerializable(typeof(Dictionary<string, int>))]
internal sealed partial class ClipVocabularyJson : JsonSerializerContext;
