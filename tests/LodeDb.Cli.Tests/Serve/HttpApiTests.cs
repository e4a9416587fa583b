using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LodeDb.Cli.Commands.Serve;

namespace LodeDb.Cli.Tests.Serve;

/// <summary>
/// <c>lodedb serve</c>'s HTTP API over a real loopback socket with <see cref="HttpClient"/>, on a
/// database indexed with the text-bert fixture (the server finds the model the database remembers).
/// </summary>
public sealed class HttpApiTests
{
    private TempFolder _folder = null!;
    private string _db = null!;

    [OneTimeSetUp]
    public void CreateDatabase()
    {
        _folder = new TempFolder();
        _db = _folder.Combine("db");
        _folder.Write("docs/car.txt", "The car mechanic fixed the engine.");
        _folder.Write("docs/dog.txt", "My dog loves puppy food.");
        _folder.Write("docs/error.txt", "The payment failed with error E1234 at the bank.");
        CliRun index = CliRun.Of("index", _db, _folder.Combine("docs"), "--onnx-model", RepositoryPaths.TextBert, "--model-name", "text-bert");
        Assert.That(index.ExitCode, Is.EqualTo(ExitCodes.Ok), index.ToString);
    }

    [OneTimeTearDown]
    public void Cleanup() => _folder.Dispose();

    private static async Task<JsonElement> Json(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(expected), body);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    [Test]
    public async Task Add_get_search_list_remove_round_trip_with_typed_metadata()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(_db);
        HttpClient http = server.Client;

        Assert.That((await Json(await http.GetAsync("/health"))).GetProperty("status").GetString(), Is.EqualTo("ok"));
        const string Body = """{"text": "The physician works at the hospital.", "id": "clinic", "metadata": {"year": 2024, "ratio": 1.0, "ok": true, "tags": ["x"]}}""";
        JsonElement added = await Json(await http.PostAsync("/documents", new StringContent(Body, Encoding.UTF8, "application/json")), HttpStatusCode.Created);
        Assert.That(added.GetProperty("ids")[0].GetString(), Is.EqualTo("clinic"));

        JsonElement got = await Json(await http.GetAsync("/documents/clinic"));
        Assert.That(got.GetProperty("text").GetString(), Is.EqualTo("The physician works at the hospital."));
        Assert.That(got.GetProperty("metadata").GetProperty("year").GetRawText(), Is.EqualTo("2024"));
        Assert.That(got.GetProperty("metadata").GetProperty("ratio").GetRawText(), Is.EqualTo("1.0"), "a double stays a double");

        JsonElement semantic = await Json(await http.PostAsJsonAsync("/search", new { query = "doctor", k = 1, mode = "vector" }));
        Assert.That(semantic.GetProperty("hits")[0].GetProperty("id").GetString(), Is.EqualTo("clinic"));
        JsonElement hybrid = await Json(await http.PostAsJsonAsync("/search", new { query = "E1234", k = 2, includeText = true, filter = new { extension = ".txt" } }));
        Assert.That(hybrid.GetProperty("mode").GetString(), Is.EqualTo("hybrid"));
        Assert.That(hybrid.GetProperty("hits")[0].GetProperty("id").GetString(), Is.EqualTo("error.txt"));
        Assert.That(hybrid.GetProperty("hits")[0].GetProperty("text").GetString(), Does.Contain("E1234"));

        float[] vector = new float[32];
        vector[3] = 1;
        JsonElement vectors = await Json(await http.PostAsJsonAsync("/vectors", new { vectors = new[] { vector }, ids = new[] { "v1" } }), HttpStatusCode.Created);
        Assert.That(vectors.GetProperty("ids")[0].GetString(), Is.EqualTo("v1"));
        JsonElement byVector = await Json(await http.PostAsJsonAsync("/search", new { vector, k = 1 }));
        Assert.That(byVector.GetProperty("hits")[0].GetProperty("id").GetString(), Is.EqualTo("v1"));

        JsonElement page1 = await Json(await http.GetAsync("/documents?limit=3"));
        Assert.That(page1.GetProperty("documents").GetArrayLength(), Is.EqualTo(3));
        string cursor = page1.GetProperty("nextCursor").GetString()!;
        JsonElement page2 = await Json(await http.GetAsync($"/documents?limit=3&cursor={cursor}"));
        string[] ids = [.. page1.GetProperty("documents").EnumerateArray().Concat(page2.GetProperty("documents").EnumerateArray()).Select(d => d.GetProperty("id").GetString()!)];
        Assert.That(ids, Is.EquivalentTo(new[] { "car.txt", "dog.txt", "error.txt", "clinic", "v1" }));
        Assert.That(page2.GetProperty("nextCursor").ValueKind, Is.EqualTo(JsonValueKind.Null));

        await Json(await http.DeleteAsync("/documents/clinic"));
        await Json(await http.DeleteAsync("/documents/v1"));
        await Json(await http.DeleteAsync("/documents/clinic"), HttpStatusCode.NotFound);
        Assert.That((await Json(await http.GetAsync("/stats"))).GetProperty("documents").GetInt64(), Is.EqualTo(3));
        JsonElement bad = await Json(await http.PostAsJsonAsync("/search", new { query = "car", filter = new { year = new Dictionary<string, int> { ["$bogus"] = 1 } } }), HttpStatusCode.BadRequest);
        Assert.That(bad.GetProperty("error").GetString(), Does.Contain("$bogus"));
        await Json(await http.PostAsync("/search", new StringContent("{not json", Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest);

        JsonElement openApi = await Json(await http.GetAsync("/openapi.json"));
        Assert.That(openApi.GetProperty("paths").EnumerateObject().Select(p => p.Name), Is.SupersetOf(new[] { "/search", "/documents", "/documents/{id}", "/vectors", "/stats", "/health" }));
    }

    [Test]
    public async Task Exclude_text_redacts_text_from_search_and_get_and_read_only_refuses_writes()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(_db, readOnly: true, excludeText: true);

        string search = await (await server.Client.PostAsJsonAsync("/search", new { query = "E1234", includeText = true })).Content.ReadAsStringAsync();
        string get = await (await server.Client.GetAsync("/documents/error.txt")).Content.ReadAsStringAsync();

        Assert.That(search, Does.Contain("error.txt").And.Not.Contain("payment"));
        Assert.That(get, Does.Contain("error.txt").And.Not.Contain("payment"));
        await Json(await server.Client.PostAsJsonAsync("/documents", new { text = "new" }), HttpStatusCode.Forbidden);
        await Json(await server.Client.DeleteAsync("/documents/car.txt"), HttpStatusCode.Forbidden);
    }

    [Test]
    public async Task An_oversize_request_answers_413_and_stores_nothing()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(_db, maxRequestBytes: 64 << 10);
        string huge = new('a', 200 << 10);

        JsonElement error = await Json(await server.Client.PostAsJsonAsync("/documents", new { text = huge, id = "huge" }), HttpStatusCode.RequestEntityTooLarge);

        Assert.That(error.GetProperty("error").GetString(), Does.Contain("too large"));
        await Json(await server.Client.GetAsync("/documents/huge"), HttpStatusCode.NotFound);
    }

    [Test]
    public async Task A_token_is_required_when_set()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(_db, readOnly: true, token: "s3cret-token");

        await Json(await server.Client.GetAsync("/stats"), HttpStatusCode.Unauthorized);
        await Json(await server.Client.GetAsync("/health"));
        server.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "wrong");
        await Json(await server.Client.GetAsync("/stats"), HttpStatusCode.Unauthorized);
        server.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "s3cret-token");
        await Json(await server.Client.GetAsync("/stats"));
    }

    [Test]
    public async Task Eight_concurrent_readers_while_one_client_writes()
    {
        using var folder = new TempFolder();
        string db = folder.Combine("db");
        Assert.That(CliRun.Of("index", db, folder.Write("a.txt", "The car mechanic fixed the engine."), "--onnx-model", RepositoryPaths.TextBert, "--model-name", "text-bert").ExitCode, Is.EqualTo(ExitCodes.Ok));
        await using LoopbackServer server = await LoopbackServer.StartAsync(db);
        const int Writes = 40;

        Task writer = Task.Run(async () =>
        {
            for (int i = 0; i < Writes; i++)
            {
                HttpResponseMessage response = await server.Client.PostAsJsonAsync("/documents", new { text = $"My dog number {i} loves puppy food.", id = $"dog{i}" });
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
            }
        });
        Task<int>[] readers = [.. Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            int answered = 0;
            using var client = new HttpClient { BaseAddress = server.Client.BaseAddress };
            while (!writer.IsCompleted || answered < 5)
            {
                HttpResponseMessage response = await client.PostAsJsonAsync("/search", new { query = "automobile repair", k = 1, mode = "vector" });
                JsonElement hits = await Json(response);
                Assert.That(hits.GetProperty("hits")[0].GetProperty("id").GetString(), Is.EqualTo("a.txt"));
                answered++;
            }

            return answered;
        }))];

        await writer;
        int[] answered = await Task.WhenAll(readers);

        Assert.That(answered, Has.All.GreaterThanOrEqualTo(5));
        Assert.That((await Json(await server.Client.GetAsync("/stats"))).GetProperty("documents").GetInt64(), Is.EqualTo(Writes + 1));
    }
}
