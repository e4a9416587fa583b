using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace LodeDb.Cli.Tests.Serve;

/// <summary><c>POST /search/image</c> on an image+text database of the CLIP fixture: an upload finds its image; the pixel guard and a broken image answer 400.</summary>
public sealed class HttpImageSearchTests
{
    private static readonly string ClipFixture = Path.Combine(RepositoryPaths.Root, "tests", "fixtures", "clip");

    private static MultipartFormDataContent Upload(byte[] bytes)
    {
        var image = new ByteArrayContent(bytes);
        image.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        return new MultipartFormDataContent { { image, "image", "query.png" } };
    }

    [Test]
    public async Task An_uploaded_image_finds_its_near_duplicate_and_bad_images_answer_400()
    {
        using var folder = new TempFolder();
        string photos = folder.Combine("photos");
        Directory.CreateDirectory(photos);
        foreach (string name in new[] { "red_circle", "blue_square", "green_circle" })
        {
            File.Copy(Path.Combine(ClipFixture, "images", name + ".png"), Path.Combine(photos, name + ".png"));
        }

        string db = folder.Combine("db");
        Assert.That(CliRun.Of("index", db, photos, "--onnx-model", ClipFixture, "--model-name", "clip-fixture").ExitCode, Is.EqualTo(ExitCodes.Ok));
        await using LoopbackServer server = await LoopbackServer.StartAsync(db, readOnly: true);
        byte[] query = File.ReadAllBytes(Path.Combine(ClipFixture, "images", "red_circle_near.png"));

        HttpResponseMessage found = await server.Client.PostAsync("/search/image?k=2", Upload(query));
        string body = await found.Content.ReadAsStringAsync();
        Assert.That(found.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
        Assert.That(JsonDocument.Parse(body).RootElement.GetProperty("hits")[0].GetProperty("id").GetString(), Is.EqualTo("red_circle.png"));

        HttpResponseMessage broken = await server.Client.PostAsync("/search/image", Upload([0x89, 0x50, 0x4E, 0x47, 0, 0]));
        Assert.That(broken.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), await broken.Content.ReadAsStringAsync());

        using (new EnvironmentVariableScope("LODEDB_MAX_IMAGE_PIXELS", "100"))
        {
            HttpResponseMessage guarded = await server.Client.PostAsync("/search/image", Upload(query));
            string guard = await guarded.Content.ReadAsStringAsync();
            Assert.That(guarded.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), guard);
            Assert.That(guard, Does.Contain("pixel").IgnoreCase);
        }
    }
}
