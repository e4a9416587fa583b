using System.Text.Json;

namespace LodeDb.Cli.Commands.Serve;

/// <summary>POST /documents: one text (text, id) or a batch (texts, ids); metadata applies to each.</summary>
internal sealed record AddDocumentsRequest(
    string? Text = null,
    string[]? Texts = null,
    string? Id = null,
    string[]? Ids = null,
    Dictionary<string, JsonElement>? Metadata = null,
    string? Space = null);

/// <summary>POST /vectors: vectors of the index's dimension, with optional ids, per-vector metadata and captions.</summary>
internal sealed record AddVectorsRequest(
    float[][] Vectors,
    string[]? Ids = null,
    Dictionary<string, JsonElement>[]? Metadata = null,
    string[]? Texts = null,
    string? Space = null);

/// <summary>POST /search: by text (query) or by vector; filter is a metadata filter object.</summary>
internal sealed record SearchRequest(
    string? Query = null,
    float[]? Vector = null,
    int K = 10,
    string? Mode = null,
    JsonElement? Filter = null,
    bool IncludeText = false,
    string? Space = null);

/// <summary>DELETE /documents (batch): ids to remove.</summary>
internal sealed record RemoveRequest(string[] Ids, string? Space = null);
