namespace LodeDb.Lexical;

/// <summary>One lexical result: the chunk key and its BM25 score.</summary>
internal readonly record struct LexicalHit(ulong Key, double Score);
