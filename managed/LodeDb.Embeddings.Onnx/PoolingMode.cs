namespace LodeDb.Embeddings.Onnx;

/// <summary>How the token vectors of <c>last_hidden_state</c> become one sentence vector.</summary>
public enum PoolingMode
{
    /// <summary>Attention-mask-weighted mean of every token vector (sentence-transformers' default; all-MiniLM-L6-v2).</summary>
    Mean,

    /// <summary>The vector of the first token, <c>[CLS]</c> (BAAI bge models).</summary>
    Cls,
}
