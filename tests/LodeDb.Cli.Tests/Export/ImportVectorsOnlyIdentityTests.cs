namespace LodeDb.Cli.Tests.Export;

/// <summary>
/// A Parquet export records StoreText/IndexText; a vector-only copy (--vectors-only) must keep
/// them like the bit width and seed: a database made with StoreText = false must not become one
/// that writes raw text to disk.
/// </summary>
public sealed class ImportVectorsOnlyIdentityTests
{
    [Test]
    public void A_vectors_only_copy_keeps_the_text_policy_of_the_export()
    {
        using var folder = new TempFolder();
        string db = folder.Combine("db");
        string copy = folder.Combine("copy");
        string file = folder.Combine("vectors.parquet");
        using (var database = LodeDatabase.Open(db, new LodeDbOptions { VectorDim = 8, BitWidth = 2, Seed = 7, Rescore = RescoreStorage.Float16, StoreText = false, IndexText = true }))
        {
            database.AddVectors([[1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f]], ["a"], null, ["a secret caption"]);
        }

        Assert.That(CliRun.Of("export", db, file).ExitCode, Is.EqualTo(ExitCodes.Ok));
        CliRun import = CliRun.Of("import", copy, file, "--vectors-only");

        Assert.That(import.ExitCode, Is.EqualTo(ExitCodes.Ok), import.ToString);
        using var imported = LodeDatabase.OpenReadOnly(copy);
        Assert.That((imported.BitWidth, imported.Seed, imported.Rescore), Is.EqualTo((2, 7UL, RescoreStorage.Float16)));
        Assert.That((imported.StoresText, imported.HasLexicalIndex), Is.EqualTo((false, true)));
    }
}
