using System.Globalization;
using System.Text;
using System.Text.Json;
using LodeDb.Cli.Commands.Documents;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace LodeDb.Cli.Commands.Serve;

/// <summary>The routes of <c>lodedb serve</c> (docs/http.md). Every handler answers JSON; errors are thrown and mapped by <see cref="HttpErrors"/>.</summary>
internal static class HttpEndpoints
{
    public static void Map(WebApplication app, DatabaseTarget target, HttpApiOptions options)
    {
        bool withText = !options.ExcludeText;

        app.MapGet("/health", () => Json("""{"status":"ok"}"""))
            .WithSummary("Liveness: 200 while the server runs (no token needed).");

        app.MapGet("/stats", (string? space) => Json(target.IsCollection && string.IsNullOrEmpty(space)
                ? HttpAnswers.Spaces(target.Path, target.SpaceNames)
                : HttpAnswers.Stats(target.Resolve(space), target.ReadOnly, options.ExcludeText)))
            .WithSummary("Counters of the database (of a collection root: its spaces, or one space with ?space=).");

        app.MapPost("/documents", (AddDocumentsRequest request) =>
            {
                RefuseIfReadOnly(target);
                if ((request.Text is null) == (request.Texts is null))
                {
                    throw new CliUsageException("give either text or texts (exactly one).");
                }

                if (request.Id is not null && request.Ids is not null)
                {
                    throw new CliUsageException("give either id or ids, not both.");
                }

                string[] texts = request.Texts ?? [request.Text!];
                string?[]? ids = request.Ids ?? (request.Id is null ? null : [request.Id]);
                IReadOnlyDictionary<string, object?>? metadata = Metadata(request.Metadata);
                LodeDatabase db = target.Resolve(request.Space);
                IReadOnlyList<string> added = db.AddMany(texts, ids, metadata is null ? null : [.. texts.Select(_ => metadata)]);
                return Json(HttpAnswers.Ids(added, db.Count()), StatusCodes.Status201Created);
            })
            .WithSummary("Add text documents (embedded by the database's model); an existing id is replaced. All or none are stored.");

        app.MapPost("/vectors", (AddVectorsRequest request) =>
            {
                RefuseIfReadOnly(target);
                if (request.Vectors is null || request.Vectors.Length == 0)
                {
                    throw new CliUsageException("vectors must hold at least one vector.");
                }

                LodeDatabase db = target.Resolve(request.Space);
                IReadOnlyList<string> added = db.AddVectors(
                    request.Vectors,
                    request.Ids,
                    request.Metadata?.Select(one => Metadata(one)).ToArray(),
                    request.Texts);
                return Json(HttpAnswers.Ids(added, db.Count()), StatusCodes.Status201Created);
            })
            .WithSummary("Add vectors of the index's dimension (ids, metadata and captions optional, one per vector). All or none are stored.");

        app.MapPost("/search", (SearchRequest request) =>
            {
                if (request.K < 1 || request.K > QueryCommand.MaxK)
                {
                    throw new CliUsageException($"k must be between 1 and {QueryCommand.MaxK}, not {request.K}.");
                }

                LodeDatabase db = target.Resolve(request.Space);
                Filter? filter = FilterOf(request.Filter);
                if ((request.Query is null) == (request.Vector is null))
                {
                    throw new CliUsageException("give either query (text) or vector (exactly one).");
                }

                if (request.Vector is not null)
                {
                    return Json(HttpAnswers.Hits(db.SearchByVector(request.Vector, request.K, filter), null, withText && request.IncludeText));
                }

                SearchMode mode = ModeOf(request.Mode, db);
                return Json(HttpAnswers.Hits(db.Search(request.Query!, request.K, mode, filter), mode, withText && request.IncludeText));
            })
            .WithSummary("Search by text (mode vector | lexical | hybrid; default hybrid when the index has a lexical source) or by vector.");

        app.MapPost("/search/image", async (HttpRequest http, int? k, string? space, string? filter) =>
            {
                if (!http.HasFormContentType)
                {
                    throw new CliUsageException("send the image as a multipart form (content-type multipart/form-data, field 'image').");
                }

                IFormCollection form = await http.ReadFormAsync();
                IFormFile image = form.Files.GetFile("image") ?? throw new CliUsageException("send the image as the multipart form field 'image'.");
                int count = k ?? 10;
                if (count < 1 || count > QueryCommand.MaxK)
                {
                    throw new CliUsageException($"k must be between 1 and {QueryCommand.MaxK}, not {count}.");
                }

                using var buffer = new MemoryStream();
                await image.CopyToAsync(buffer);
                LodeDatabase db = target.Resolve(space);
                if (!db.SupportsImages)
                {
                    throw new CliUsageException("this database has no image embedder: image search needs an image+text database (--model clip).");
                }

                // The same decoder and pixel guard (LODEDB_MAX_IMAGE_PIXELS) as every image path.
                IReadOnlyList<SearchHit> hits = db.SearchByImage(buffer.ToArray(), count, filter is null ? null : Filter.Parse(filter));
                return Json(HttpAnswers.Hits(hits, null, withText));
            })
            .DisableAntiforgery()
            .WithSummary("Search an image+text database by an uploaded image (multipart field 'image'; ?k=&filter=&space=).");

        app.MapGet(DocumentIdPath.Route, (HttpContext http, string? id, string? space) =>
            {
                id = DocumentIdPath.Of(http, id);
                LodeDatabase db = target.Resolve(space);
                LodeRecord record = db.Get(id) ?? throw new CliNotFoundException($"no document '{id}'.");
                return Json(DocumentJson.Line(record, withText && db.StoresText ? db.GetText(id) : null));
            })
            .WithSummary("One document: metadata and stored text (unless the server runs with --exclude-text). An id with a slash goes as it is or as %2F.");

        app.MapGet("/documents", (string? filter, string? cursor, int? limit, string? space) =>
            {
                int take = limit ?? 100;
                if (take < 1 || take > HttpApiOptions.MaxPage)
                {
                    throw new CliUsageException($"limit must be between 1 and {HttpApiOptions.MaxPage}, not {take}.");
                }

                string? after = Documents.ListCursor.Decode(cursor, "cursor");
                LodeDatabase db = target.Resolve(space);
                ListPage page = db.List(new ListOptions { Filter = filter is null ? null : Filter.Parse(filter), After = after, Limit = take });
                return Json(HttpAnswers.Page([.. page.Records], Documents.ListCursor.Encode(page.NextCursor)));
            })
            .WithSummary("Documents in id order, a page at a time (keyset cursor: no repeats or gaps when rows change between pages): ?limit= (1..1000, default 100), ?cursor= from the previous page's nextCursor, ?filter= JSON.");

        app.MapDelete(DocumentIdPath.Route, (HttpContext http, string? id, string? space) =>
            {
                RefuseIfReadOnly(target);
                id = DocumentIdPath.Of(http, id);
                LodeDatabase db = target.Resolve(space);
                return db.Remove(id)
                    ? Json(DocumentRemoval.Answer([id], [], db.Count()))
                    : throw new CliNotFoundException($"no document '{id}'.");
            })
            .WithSummary("Remove one document.");

        app.MapPost("/documents/remove", (RemoveRequest request) =>
            {
                RefuseIfReadOnly(target);
                LodeDatabase db = target.Resolve(request.Space);
                (List<string> removed, List<string> missing) = DocumentRemoval.RemoveEach(db, request.Ids ?? []);
                return Json(DocumentRemoval.Answer(removed, missing, db.Count()));
            })
            .WithSummary("Remove several documents by id; says which existed.");
    }

    private static IResult Json(string body, int status = StatusCodes.Status200OK) =>
        Results.Text(body, "application/json", Encoding.UTF8, status);

    private static void RefuseIfReadOnly(DatabaseTarget target)
    {
        if (target.ReadOnly)
        {
            throw new ReadOnlyRefusedException("this server is read-only (started with --read-only): writes are refused.");
        }
    }

    private static SearchMode ModeOf(string? mode, LodeDatabase db) => mode switch
    {
        null or "" => db.HasLexicalIndex ? SearchMode.Hybrid : SearchMode.Vector,
        "vector" => SearchMode.Vector,
        "lexical" => SearchMode.Lexical,
        "hybrid" => SearchMode.Hybrid,
        _ => throw new CliUsageException($"mode must be vector, lexical or hybrid, not '{mode}'."),
    };

    private static Filter? FilterOf(JsonElement? filter) => filter switch
    {
        null => null,
        { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined } => null,
        { ValueKind: JsonValueKind.String } text => Filter.Parse(text.GetString()!),
        JsonElement value => Filter.Parse(value.GetRawText()),
    };

    /// <summary>JSON metadata as the database types it (integers as long, other numbers as double, nested objects and lists kept).</summary>
    private static Dictionary<string, object?>? Metadata(Dictionary<string, JsonElement>? metadata) =>
        metadata?.ToDictionary(pair => pair.Key, pair => (object?)pair.Value, StringComparer.Ordinal);
}
