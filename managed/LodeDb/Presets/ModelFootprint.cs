namespace LodeDb.Presets;

/// <summary>
/// What a loaded model occupies, as its embedder reports it through
/// <c>IEmbeddingGenerator.GetService(typeof(ModelFootprint))</c> (the LodeDb.Embeddings.Onnx
/// embedders do): the on-disk bytes of the model files whose runtime sessions it holds now. LodeDb's
/// <c>lodedb.models.loaded.bytes</c> gauge sums it over the preset models open handles loaded.
/// It is not the process memory the runtime uses for them, which no portable API reports.
/// </summary>
/// <param name="FileBytes">Bytes of the model files (ONNX graphs with their weights) behind the embedder's open sessions.</param>
public sealed record ModelFootprint(long FileBytes);
