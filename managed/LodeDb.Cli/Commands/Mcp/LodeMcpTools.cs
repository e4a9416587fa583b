using System.ComponentModel;
using System.Text.Json;
using LodeDb.Cli.Commands.Documents;
using LodeDb.Cli.Output;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace LodeDb.Cli.Commands.Mcp;

/// <summary>
/// The tools of <c>lodedb mcp</c>: search, add, remove, stats, and get (only when the index keeps
/// text); the graph tools are <see cref="LodeMcpGraphTools"/>. Every tool answers one JSON object as text; a failure is an MCP tool error whose text is
/// the one-line message the CLI would print, never an exception that ends the server.
/// </summary>
internal sealed class LodeMcpTools(DatabaseTarget target, bool excludeText)
{
    /// <summary>Largest k a tool accepts (as <c>lodedb query</c>).</summary>
    private const int MaxK = QueryCommand.MaxK;

    /// <summary>The tools this target offers (lodedb_get only when some index stores text).</summary>
    public IReadOnlyList<McpServerTool> Create()
    {
        string spaceNote = target.IsCollection ? $" The database is a collection: pass space (one of: {string.Join(", ", target.SpaceNames)})." : "";
        string readOnlyNote = target.ReadOnly ? " This server is read-only: the call is refused." : "";
        var tools = new List<McpServerTool>
        {
            Tool(Search, "lodedb_search", readOnly: true,
                description: $"Search the LodeDb database at {target.Path} by text. mode: vector (semantic), lexical (exact words and codes such as E1234, BM25) or hybrid (both, fused; default when the index has a lexical source). Returns ids, scores and metadata; text only with includeText when stored.{spaceNote}"),
            Tool(Add, "lodedb_add", destructive: false,
                description: $"Add documents: text (one) or texts (many), optional id/ids (an existing id is replaced), optional metadata object applied to each (strings, integers, numbers, booleans, lists, nested objects). Returns the ids.{readOnlyNote}{spaceNote}"),
            Tool(Remove, "lodedb_remove", destructive: true,
                description: $"Remove documents by id. Returns which ids existed.{readOnlyNote}{spaceNote}"),
            Tool(Stats, "lodedb_stats", readOnly: true,
                description: $"Counters of the database: documents, model, dimension, whether text is stored, sizes.{spaceNote}"),
        };
        if (target.AnyStoresText)
        {
            tools.Add(Tool(Get, "lodedb_get", readOnly: true,
                description: $"Fetch documents by id: metadata and stored text{(excludeText ? " (text is redacted on this server)" : "")}.{spaceNote}"));
        }

        return tools;
    }

    /// <summary>One tool: its name, what it does, and the hints a client shows (read-only, destructive; unset when null).</summary>
    private static McpServerTool Tool(Delegate method, string name, string description, bool? readOnly = null, bool? destructive = null) =>
        McpServerTool.Create(method, new McpServerToolCreateOptions { Name = name, Description = description, ReadOnly = readOnly, Destructive = destructive });

    private CallToolResult Search(
        [Description("What to search for.")] string query,
        [Description("Number of results (1..100000, default 10).")] int k = 10,
        [Description("Metadata filter, e.g. {\"year\": {\"$gte\": 2020}}.")] JsonElement? filter = null,
        [Description("vector | lexical | hybrid (default: hybrid when the index has a lexical source, else vector).")] string? mode = null,
        [Description("Include the stored text of each hit.")] bool includeText = false,
        [Description("Space of a collection root.")] string? space = null) => Answer(() =>
    {
        if (k < 1 || k > MaxK)
        {
            throw new CliUsageException($"k must be between 1 and {MaxK}, not {k}.");
        }

        LodeDatabase db = target.Resolve(space);
        SearchMode searchMode = mode switch
        {
            null or "" => db.HasLexicalIndex ? SearchMode.Hybrid : SearchMode.Vector,
            "vector" => SearchMode.Vector,
            "lexical" => SearchMode.Lexical,
            "hybrid" => SearchMode.Hybrid,
            _ => throw new CliUsageException($"mode must be vector, lexical or hybrid, not '{mode}'."),
        };
        IReadOnlyList<SearchHit> hits = db.Search(query, k, searchMode, FilterOf(filter));
        return JsonLine.Build(json =>
        {
            json.WriteStartObject();
            json.WriteString("mode", searchMode.ToString().ToLowerInvariant());
            json.WriteStartArray("hits");
            foreach (SearchHit hit in hits)
            {
                json.WriteStartObject();
                json.WriteString("id", hit.Id);
                json.WriteNumber("score", Math.Round(hit.Score, 6));
                json.WritePropertyName("metadata");
                JsonLine.WriteObject(json, hit.Metadata);
                if (includeText && !excludeText && hit.Text is not null)
                {
                    json.WriteString("text", hit.Text);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        });
    });

    private CallToolResult Add(
        [Description("One document's text.")] string? text = null,
        [Description("Several documents' texts (one batch: all stored or none).")] string[]? texts = null,
        [Description("Id of the one document (default: generated).")] string? id = null,
        [Description("Ids of the documents of texts, one each.")] string[]? ids = null,
        [Description("Metadata object applied to every added document.")] JsonElement? metadata = null,
        [Description("Space of a collection root.")] string? space = null) => Answer(() =>
    {
        RefuseIfReadOnly("lodedb_add");
        if ((text is null) == (texts is null))
        {
            throw new CliUsageException("give either text or texts (exactly one).");
        }

        if (text is not null && ids is not null || texts is not null && id is not null)
        {
            throw new CliUsageException("id goes with text, ids with texts.");
        }

        string[] batch = texts ?? [text!];
        if (ids is not null && ids.Length != batch.Length)
        {
            throw new CliUsageException($"ids has {ids.Length} entries for {batch.Length} texts.");
        }

        IReadOnlyDictionary<string, object?>? values = MetadataOf(metadata);
        LodeDatabase db = target.Resolve(space);
        IReadOnlyList<string> added = db.AddMany(
            batch,
            ids is not null ? ids : id is not null ? [id] : null,
            values is null ? null : [.. batch.Select(_ => values)]);
        return JsonLine.Build(json =>
        {
            json.WriteStartObject();
            json.WriteStartArray("ids");
            foreach (string one in added)
            {
                json.WriteStringValue(one);
            }

            json.WriteEndArray();
            json.WriteNumber("documents", db.Count());
            json.WriteEndObject();
        });
    });

    private CallToolResult Remove(
        [Description("Ids of the documents to remove.")] string[] ids,
        [Description("Space of a collection root.")] string? space = null) => Answer(() =>
    {
        RefuseIfReadOnly("lodedb_remove");
        if (ids is null)
        {
            throw new CliUsageException("ids must be a list of document ids.");
        }

        LodeDatabase db = target.Resolve(space);
        (List<string> removed, List<string> missing) = DocumentRemoval.RemoveEach(db, ids);
        return DocumentRemoval.Answer(removed, missing, db.Count());
    });

    private CallToolResult Stats([Description("Space of a collection root (omit to list the spaces).")] string? space = null) => Answer(() =>
    {
        if (target.IsCollection && string.IsNullOrEmpty(space))
        {
            return JsonLine.Build(json =>
            {
                json.WriteStartObject();
                json.WriteString("collection", target.Path);
                JsonLine.WriteStrings(json, "spaces", target.SpaceNames);
                json.WriteEndObject();
            });
        }

        LodeDatabase db = target.Resolve(space);
        return JsonLine.Build(json =>
        {
            json.WriteStartObject();
            foreach ((string key, object value) in StatsCommand.Rows(db))
            {
                json.WritePropertyName(key);
                JsonLine.WriteValue(json, value);
            }

            json.WriteBoolean("readOnly", target.ReadOnly);
            json.WriteBoolean("textRedacted", excludeText);
            json.WriteEndObject();
        });
    });

    private CallToolResult Get(
        [Description("Ids of the documents to fetch.")] string[] ids,
        [Description("Space of a collection root.")] string? space = null) => Answer(() =>
    {
        LodeDatabase db = target.Resolve(space);
        return JsonLine.Build(json =>
        {
            json.WriteStartObject();
            json.WriteStartArray("documents");
            foreach (string one in ids)
            {
                json.WriteStartObject();
                json.WriteString("id", one);
                if (db.Get(one) is LodeRecord record)
                {
                    json.WriteBoolean("found", true);
                    json.WritePropertyName("metadata");
                    JsonLine.WriteObject(json, record.Metadata);
                    if (!excludeText && db.StoresText && db.GetText(one) is string stored)
                    {
                        json.WriteString("text", stored);
                    }
                }
                else
                {
                    json.WriteBoolean("found", false);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        });
    });

    private void RefuseIfReadOnly(string tool)
    {
        if (target.ReadOnly)
        {
            throw new CliUsageException($"{tool} refused: this server is read-only (started with --read-only).");
        }
    }

    private static Filter? FilterOf(JsonElement? filter) => filter switch
    {
        null => null,
        { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined } => null,
        { ValueKind: JsonValueKind.String } text => Filter.Parse(text.GetString()!),
        JsonElement value => Filter.Parse(value.GetRawText()),
    };

    private static IReadOnlyDictionary<string, object?>? MetadataOf(JsonElement? metadata)
    {
        if (metadata is not JsonElement element || element.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new CliUsageException("metadata must be a JSON object of key: value.");
        }

        // JsonElement values are typed by the database (integers as long, others as double...).
        return element.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone(), StringComparer.Ordinal);
    }

    /// <summary>Runs a tool: its JSON as text content, or the one-line message as a tool error.</summary>
    internal static CallToolResult Answer(Func<string> work)
    {
        try
        {
            return new CallToolResult { Content = [new TextContentBlock { Text = work() }] };
        }
        catch (Exception e)
        {
            (_, string message) = CliApp.Describe(e);
            return new CallToolResult
            {
                IsError = true,
                Content = [new TextContentBlock { Text = message.ReplaceLineEndings(" ") }],
            };
        }
    }
}
