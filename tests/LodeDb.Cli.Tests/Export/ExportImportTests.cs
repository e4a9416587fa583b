using System.Text.Json;
using Parquet;
using Parquet.Schema;
using Parquet.Serialization;

namespace LodeDb.Cli.Tests.Export;

/// <summary>
/// <c>export</c> -> <c>import</c> round trips on the fixture models: the copy answers the same
/// queries with the same ids and scores; the Parquet file reads back with Parquet.Net on its own.
/// </summary>
public sealed class ExportImportTests
{
    private static readonly string ClipFixture = Path.Combine(RepositoryPaths.Root, "tests", "fixtures", "clip");

    private static string[] TextModel => ["--onnx-model", RepositoryPaths.TextBert, "--model-name", "text-bert"];

    private static string[] ClipModel => ["--onnx-model", ClipFixture, "--model-name", "clip-fixture"];

    private TempFolder _folder = null!;
    private string _textDb = null!;

    [OneTimeSetUp]
    public void IndexTexts()
    {
        _folder = new TempFolder();
        _textDb = _folder.Combine("text-db");
        _folder.Write("docs/car.txt", "The car mechanic fixed the engine.");
        _folder.Write("docs/dog.txt", "My dog loves puppy food.");
        _folder.Write("docs/clinic.txt", "The physician works at the hospital. Ticket ABC-123 is open.");
        // Several chunks (over 900 characters): re-embedded from its text on import.
        _folder.Write("docs/long.txt", string.Join(" ", Enumerable.Repeat("The doctor and the nurse at the hospital treat the patient.", 40)));
        CliRun index = CliRun.Of(["index", _textDb, _folder.Combine("docs"), "--rescore", "float16", "--metadata", "year=2024", "--metadata", "ratio=0.5", .. TextModel]);
        Assert.That(index.ExitCode, Is.EqualTo(ExitCodes.Ok), index.ToString);
    }

    [OneTimeTearDown]
    public void Cleanup() => _folder.Dispose();

    private static string[] Answers(string db, params string[] args)
    {
        CliRun run = CliRun.Of(["query", db, .. args, "--json", "--k", "5"]);
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.ToString);
        return run.OutLines;
    }

    [TestCase("export.parquet")]
    [TestCase("export.jsonl")]
    public void Text_round_trip_answers_every_query_identically(string fileName)
    {
        string file = _folder.Combine(fileName);
        string copy = _folder.Combine("copy-" + fileName);

        CliRun export = CliRun.Of("export", _textDb, file);
        CliRun import = CliRun.Of(["import", copy, file, .. TextModel]);

        Assert.That(export.ExitCode, Is.EqualTo(ExitCodes.Ok), export.ToString);
        Assert.That(export.Out, Does.Contain("Exported 4 documents").And.Contain("vectors from the float16 re-score sidecar"));
        Assert.That(import.ExitCode, Is.EqualTo(ExitCodes.Ok), import.ToString);
        Assert.That(import.Out, Does.Contain("4 re-embedded from text"));
        foreach (string[] query in new[] { new[] { "automobile repair" }, ["doctor"], ["abc-123", "--mode", "lexical"], ["puppy hospital", "--mode", "hybrid"] })
        {
            // Same ids, scores, chunks, text and typed metadata (the year stays an integer, the ratio a double).
            Assert.That(Answers(copy, query), Is.EqualTo(Answers(_textDb, query)), string.Join(' ', query));
        }

        Assert.That(Answers(copy, "car")[0], Does.Contain("\"year\":2024").And.Contain("\"ratio\":0.5"));
    }

    [Test]
    public async Task The_parquet_file_reads_back_with_parquet_net_with_typed_metadata_text_and_vectors()
    {
        string file = _folder.Combine("check.parquet");
        Assert.That(CliRun.Of("export", _textDb, file).ExitCode, Is.EqualTo(ExitCodes.Ok));

        await using FileStream stream = File.OpenRead(file);
        await using ParquetReader reader = await ParquetReader.CreateAsync(stream);
        Assert.That(reader.Schema.Fields.Select(f => f.Name), Is.EqualTo(new[] { "id", "text", "metadata", "chunks", "vector" }));
        Assert.That(reader.CustomMetadata["lodedb.model"], Is.EqualTo("text-bert"));
        Assert.That(reader.CustomMetadata["lodedb.dimension"], Is.EqualTo("32"));
        stream.Position = 0;
        var rows = (await ParquetSerializer.DeserializeUntypedAsync(stream)).Data;
        var car = rows.Single(r => (string)r["id"]! == "car.txt");
        Assert.That(car["text"], Is.EqualTo("The car mechanic fixed the engine."));
        using JsonDocument metadata = JsonDocument.Parse((string)car["metadata"]!);
        Assert.That(metadata.RootElement.GetProperty("year").GetRawText(), Is.EqualTo("2024"));
        Assert.That(metadata.RootElement.GetProperty("ratio").GetRawText(), Is.EqualTo("0.5"));
        float[] vector = [.. ((System.Collections.IEnumerable)car["vector"]!).Cast<float>()];
        Assert.That(vector, Has.Length.EqualTo(32));
        Assert.That(Math.Sqrt(vector.Sum(x => (double)x * x)), Is.EqualTo(1).Within(2e-3), "a unit vector");
        var longDoc = rows.Single(r => (string)r["id"]! == "long.txt");
        Assert.That((int)longDoc["chunks"]!, Is.GreaterThan(1));
        Assert.That(((System.Collections.IEnumerable)longDoc["vector"]!).Cast<float>().Count(), Is.EqualTo(32 * (int)longDoc["chunks"]!));
    }

    [Test]
    public void Without_a_sidecar_export_says_there_are_no_vectors_and_reembed_computes_them()
    {
        using var folder = new TempFolder();
        string db = folder.Combine("db");
        Assert.That(CliRun.Of(["index", db, folder.Write("a.txt", "The car mechanic fixed the engine."), .. TextModel]).ExitCode, Is.EqualTo(ExitCodes.Ok));

        CliRun plain = CliRun.Of("export", db, folder.Combine("plain.jsonl"));
        CliRun reembedded = CliRun.Of("export", db, folder.Combine("vectors.jsonl"), "--reembed");

        Assert.That(plain.ExitCode, Is.EqualTo(ExitCodes.Ok), plain.ToString);
        Assert.That(plain.Out, Does.Contain("no vectors").And.Contain("--reembed"));
        Assert.That(File.ReadAllText(folder.Combine("plain.jsonl")), Does.Not.Contain("\"vectors\""));
        Assert.That(reembedded.ExitCode, Is.EqualTo(ExitCodes.Ok), reembedded.ToString);
        using JsonDocument line = JsonDocument.Parse(File.ReadLines(folder.Combine("vectors.jsonl")).Single());
        Assert.That(line.RootElement.GetProperty("vectors")[0].GetArrayLength(), Is.EqualTo(32));
    }

    [Test]
    public void Clip_image_round_trip_keeps_the_image_vectors_and_the_answers()
    {
        using var folder = new TempFolder();
        string photos = folder.Combine("photos");
        Directory.CreateDirectory(photos);
        foreach (string name in new[] { "red_circle", "blue_square", "green_circle", "red_square" })
        {
            File.Copy(Path.Combine(ClipFixture, "images", name + ".png"), Path.Combine(photos, name + ".png"));
        }

        string db = folder.Combine("db");
        string copy = folder.Combine("copy");
        string file = folder.Combine("images.parquet");
        Assert.That(CliRun.Of(["index", db, photos, "--rescore", "float16", .. ClipModel]).ExitCode, Is.EqualTo(ExitCodes.Ok));

        CliRun export = CliRun.Of("export", db, file);
        CliRun import = CliRun.Of(["import", copy, file, .. ClipModel]);

        Assert.That(export.ExitCode, Is.EqualTo(ExitCodes.Ok), export.ToString);
        Assert.That(import.ExitCode, Is.EqualTo(ExitCodes.Ok), import.ToString);
        Assert.That(import.Out, Does.Contain("4 by vector"));
        foreach (string query in new[] { "a red circle", "a blue square", "green" })
        {
            JsonElement[] original = [.. Answers(db, query).Select(l => JsonDocument.Parse(l).RootElement.Clone())];
            JsonElement[] copied = [.. Answers(copy, query).Select(l => JsonDocument.Parse(l).RootElement.Clone())];
            Assert.That(copied.Select(h => h.GetProperty("id").GetString()), Is.EqualTo(original.Select(h => h.GetProperty("id").GetString())), query);
            // The sidecar keeps float16: decoded, renormalised and encoded again, a score moves by at most ~1e-3.
            for (int i = 0; i < original.Length; i++)
            {
                Assert.That(copied[i].GetProperty("score").GetDouble(), Is.EqualTo(original[i].GetProperty("score").GetDouble()).Within(2e-3), query);
                Assert.That(copied[i].GetProperty("metadata").GetRawText(), Is.EqualTo(original[i].GetProperty("metadata").GetRawText()));
            }
        }
    }
}
