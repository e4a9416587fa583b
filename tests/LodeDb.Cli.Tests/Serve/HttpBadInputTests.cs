using System.Net;
using System.Text;
using System.Text.Json;

namespace LodeDb.Cli.Tests.Serve;

/// <summary>
/// <c>lodedb serve</c> given bad input: a 4xx with <c>{"error"}</c>, never a 500, and nothing
/// stored or removed by a request that failed.
/// </summary>
public sealed class HttpBadInputTests
{
    private TempFolder _folder = null!;
    private string _db = null!;

    [SetUp]
    public void CreateDatabase()
    {
        _folder = new TempFolder();
        _db = _folder.Combine("db");
        _folder.Write("docs/car.txt", "The car mechanic fixed the engine.");
        _folder.Write("docs/dog.txt", "My dog loves puppy food.");
        CliRun index = CliRun.Of("index", _db, _folder.Combine("docs"), "--onnx-model", RepositoryPaths.TextBert, "--model-name", "text-bert");
        Assert.That(index.ExitCode, Is.EqualTo(ExitCodes.Ok), index.ToString);
    }

    [TearDown]
    public void Cleanup() => _folder.Dispose();

    private static StringContent JsonBody(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> Answer(HttpResponseMessage response, HttpStatusCode expected)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(expected), body);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"), body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    [Test]
    public async Task A_batch_remove_with_a_null_id_removes_nothing()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(_db);

        await Answer(await server.Client.PostAsync("/documents/remove", JsonBody("""{"ids": ["car.txt", null]}""")), HttpStatusCode.BadRequest);

        await Answer(await server.Client.GetAsync("/documents/car.txt"), HttpStatusCode.OK);
    }

    [TestCase("""{"text": "one", "id": "x", "ids": ["y"]}""")]
    [TestCase("""{"texts": ["one"], "id": "x", "ids": ["y"]}""")]
    public async Task Both_id_and_ids_are_refused_not_one_ignored(string body)
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(_db);

        JsonElement error = await Answer(await server.Client.PostAsync("/documents", JsonBody(body)), HttpStatusCode.BadRequest);

        Assert.That(error.GetProperty("error").GetString(), Does.Contain("id"));
        Assert.That((await Answer(await server.Client.GetAsync("/stats"), HttpStatusCode.OK)).GetProperty("documents").GetInt64(), Is.EqualTo(2));
    }

    [Test]
    public async Task Image_search_with_a_json_body_is_a_bad_request()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(_db);

        JsonElement error = await Answer(await server.Client.PostAsync("/search/image", JsonBody("""{"image": "x"}""")), HttpStatusCode.BadRequest);

        Assert.That(error.GetProperty("error").GetString(), Does.Contain("multipart"));
    }

    [TestCase("/documents", """{"text": "x", "id": "x", "metdata": {"secret": true}}""")]
    [TestCase("/documents", """{"text": "x", "id": "x", "metadata": {"a": 1, "a": "one"}}""")]
    [TestCase("/vectors", """{"vectors": [[1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]], "ids": ["x"], "metadata": [{"a": 1, "a": 2}]}""")]
    [TestCase("/search", """{"query": "car", "filtr": {"extension": ".md"}}""")]
    public async Task A_misspelt_or_repeated_member_is_a_bad_request_not_ignored(string path, string body)
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(_db);

        JsonElement error = await Answer(await server.Client.PostAsync(path, JsonBody(body)), HttpStatusCode.BadRequest);

        Assert.That(error.GetProperty("error").GetString(), Does.StartWith("invalid JSON"));
        await Answer(await server.Client.GetAsync("/documents/x"), HttpStatusCode.NotFound);
    }

    [TestCase("/documents/notes/car.txt")]
    [TestCase("/documents/notes%2Fcar.txt")]
    public async Task A_document_whose_id_has_a_slash_can_be_read_and_removed(string path)
    {
        // lodedb index gives a file found in a sub-folder the id "notes/car.txt".
        _folder.Write("more/notes/car.txt", "The car mechanic fixed the engine again.");
        Assert.That(CliRun.Of("index", _db, _folder.Combine("more"), "--recursive").ExitCode, Is.EqualTo(ExitCodes.Ok));
        await using LoopbackServer server = await LoopbackServer.StartAsync(_db);

        JsonElement got = await Answer(await server.Client.GetAsync(path), HttpStatusCode.OK);
        Assert.That(got.GetProperty("id").GetString(), Is.EqualTo("notes/car.txt"));
        await Answer(await server.Client.DeleteAsync(path), HttpStatusCode.OK);
        await Answer(await server.Client.GetAsync(path), HttpStatusCode.NotFound);
    }
}
