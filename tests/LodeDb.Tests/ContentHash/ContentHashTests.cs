using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using LodeDb.Embeddings.Onnx.Images;
using LodeDb.Tests.Images;
using SkiaSharp;

namespace LodeDb.Tests.ContentHash;

/// <summary>
/// Per-document content hashes: SHA-256 of the text as given, of the vector's float32 bytes as
/// given, or of the encoded image, stored at add, kept through the log, checkpoints, replaced
/// documents and reopen, and absent when the handle keeps none.
/// </summary>
public sealed class ContentHashTests
{
    private static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static string ShaOfFloats(float[] vector) => Sha(MemoryMarshal.AsBytes(vector.AsSpan()).ToArray());

    private static uint RowsVersion(string folder) =>
        BinaryPrimitives.ReadUInt32LittleEndian(File.ReadAllBytes(Directory.GetFiles(folder, "index.g*.rows").Single()).AsSpan(8));

    [Test]
    public async Task VectorRowsCarryTheHashOfTheVectorAsGivenThroughLogCheckpointAndReopen()
    {
        using var folder = new TestFolder();
        float[] a = [3, 4, 0, 0], b = [0, 0, 1, 2], c = [1, 1, 1, 1], d = [2, 0, 0, 1];
        using (var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = 4 }))
        {
            db.AddVector(a, "a");
            db.AddVectors([b], ["b"], null, ["a caption is not hashed"]);
            await db.AddVectorsAsync([c], ["c"]);
            await db.UpsertAsync([new LodeDocument { Id = "d", Vector = d }]);

            Assert.That(db.Get("a")!.ContentHash, Is.EqualTo(ShaOfFloats(a)).And.EqualTo(LodeContentHash.OfVector(a)), "the vector as given, not normalised");
            Assert.That(db.Get("b")!.ContentHash, Is.EqualTo(ShaOfFloats(b)));
            Assert.That(db.Get("c")!.ContentHash, Is.EqualTo(ShaOfFloats(c)));
            Assert.That(db.Get("d")!.ContentHash, Is.EqualTo(ShaOfFloats(d)));
            Assert.That(db.List().Select(r => r.ContentHash), Is.EqualTo(new[] { a, b, c, d }.Select(ShaOfFloats)), "List results carry it");
            Assert.That(ShaOfFloats(a), Has.Length.EqualTo(64));

            // Only in the log so far: a copy of the folder replays the records with their hashes.
            using var copy = new TestFolder();
            CopyFolder(folder.Path, copy.Path);
            using (var replayed = LodeDatabase.Open(copy.Path, new LodeDbOptions { ReadOnly = true }))
            {
                Assert.That(replayed.Get("a")!.ContentHash, Is.EqualTo(ShaOfFloats(a)));
                Assert.That(replayed.Get("d")!.ContentHash, Is.EqualTo(ShaOfFloats(d)));
            }

            db.AddVector(b, "a"); // replaced: the new content's hash
            db.Persist();
            Assert.That(RowsVersion(folder.Path), Is.EqualTo(3u), "a checkpoint with hashes writes rows version 3");
        }

        using var reopened = LodeDatabase.Open(folder.Path, new LodeDbOptions { ReadOnly = true });
        Assert.That(reopened.Get("a")!.ContentHash, Is.EqualTo(ShaOfFloats(b)));
        Assert.That(reopened.Get("c")!.ContentHash, Is.EqualTo(ShaOfFloats(c)));
    }

    [Test]
    public void TextDocumentsHashTheirTextAsGivenAlsoWithoutStoredText()
    {
        using var folder = new TestFolder();
        string longText = string.Join(' ', Enumerable.Repeat("the car mechanic fixed the engine and the brake.", 40)); // several chunks
        const string Short = "my puppy barked at the vet";
        using (var db = LodeDatabase.Open(folder.Path, TextFixture.Options(storeText: false, indexText: true, maxChunkChars: 200)))
        {
            db.AddMany([longText, Short], ["long", "short"]);
            LodeRecord record = db.Get("long")!;
            Assert.That(record.ChunkCount, Is.GreaterThan(1));
            Assert.That(record.ContentHash, Is.EqualTo(Sha(Encoding.UTF8.GetBytes(longText))).And.EqualTo(LodeContentHash.OfText(longText)), "the whole text, not a chunk");
            Assert.That(db.Get("short")!.ContentHash, Is.EqualTo(Sha(Encoding.UTF8.GetBytes(Short))));
            db.Persist();
        }

        Assert.That(TextFixture.FilesContaining(folder.Path, Short), Is.Empty, "the hash is kept, the text is not");
        using var reopened = LodeDatabase.Open(folder.Path, TextFixture.Options());
        Assert.That(reopened.Get("long")!.ContentHash, Is.EqualTo(LodeContentHash.OfText(longText)), "read from the rows file: on the document's first chunk");
        Assert.That(reopened.Get("short")!.ContentHash, Is.EqualTo(LodeContentHash.OfText(Short)));
    }

    [Test]
    public void ImageRowsHashTheEncodedImage()
    {
        using var folder = new TestFolder();
        byte[] red = TestImages.Draw(32, 32, SKColors.Red), blue = TestImages.Draw(32, 32, SKColors.Blue);
        using var db = LodeDatabase.Open(folder.Path, ImageTestSupport.Options(new ColourLayoutEmbedder()));
        db.AddImage(red, "red");
        db.AddImages([ImageItem.FromBytes(blue, "blue")]);
        Assert.That(db.Get("red")!.ContentHash, Is.EqualTo(Sha(red)).And.EqualTo(LodeContentHash.OfImage(red)));
        Assert.That(db.Get("blue")!.ContentHash, Is.EqualTo(Sha(blue)));
    }

    [Test]
    public void StoreContentHashFalseKeepsNoneAndReplacingClearsAnOldOne()
    {
        using var folder = new TestFolder();
        float[] v = [1, 2, 3, 4];
        using (var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = 4 }))
        {
            db.AddVector(v, "replaced");
            db.AddVector(v, "kept");
        }

        using (var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { StoreContentHash = false }))
        {
            db.AddVector(v, "none");
            db.AddVector([4, 3, 2, 1], "replaced");
            Assert.That(db.Get("none")!.ContentHash, Is.Null);
            Assert.That(db.Get("replaced")!.ContentHash, Is.Null, "the old hash described the old vector");
            Assert.That(db.Get("kept")!.ContentHash, Is.EqualTo(ShaOfFloats(v)));
        }

        using var plain = new TestFolder();
        using (var db = LodeDatabase.Open(plain.Path, new LodeDbOptions { VectorDim = 4, StoreContentHash = false }))
        {
            db.AddVector(v, "x");
            db.Persist();
            Assert.That(RowsVersion(plain.Path), Is.EqualTo(1u), "without hashes the older layout is written");
        }
    }

    [TestCase("vector-plain", false)]
    [TestCase("vector-f16-captions", true)]
    public void FoldersWrittenBeforeHashesOpenAndGainHashesForNewDocuments(string fixture, bool captions)
    {
        using var folder = new TestFolder();
        CopyFolder(Path.Combine(RepositoryPaths.Root, "tests", "fixtures", "format-before-content-hash", fixture), folder.Path);
        uint oldVersion = RowsVersion(folder.Path);
        Assert.That(oldVersion, Is.EqualTo(captions ? 2u : 1u), "the fixture holds the older rows layout");

        using (var readOnly = LodeDatabase.Open(folder.Path, new LodeDbOptions { ReadOnly = true }))
        {
            Assert.That(readOnly.List().Select(r => (r.Id, r.ContentHash)), Is.EqualTo(new[] { ("a", (string?)null), ("c", null) }), "b was removed in the log; old rows have no hash");
        }

        float[] e = [0, 0, 0, 1];
        using (var db = LodeDatabase.Open(folder.Path))
        {
            Assert.That(db.Get("a")!.Metadata, Is.Empty, "the log's replacement of a applied");
            if (captions)
            {
                Assert.That(db.GetText("a"), Is.EqualTo("alpha two"));
                Assert.That(db.GetVectors("c")!.Single(), Is.EqualTo(new float[] { 0, 0, 1, 0 }));
            }

            db.AddVector(e, "e");
            db.Persist();
        }

        Assert.That(RowsVersion(folder.Path), Is.EqualTo(3u));
        using var reopened = LodeDatabase.Open(folder.Path, new LodeDbOptions { ReadOnly = true });
        Assert.That(reopened.Get("a")!.ContentHash, Is.Null);
        Assert.That(reopened.Get("e")!.ContentHash, Is.EqualTo(ShaOfFloats(e)));
        Assert.That(reopened.Count(), Is.EqualTo(3));
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from))
        {
            if (Path.GetFileName(file) != "LOCK")
            {
                File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
            }
        }
    }
}
