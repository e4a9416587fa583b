using CsCheck;

namespace LodeDb.Tests.Fuzz;

/// <summary>
/// The folder files decoded in C# through the public open paths (so the harness follows format
/// changes): the root pointer <c>index.commit.json</c>, the re-score sidecar's header and
/// <c>collection.json</c>. A damaged file must make the open fail with a
/// <see cref="LodeDatabaseException"/> (CorruptDatabaseException and the like), never another
/// exception type, a hang or an unbounded allocation.
/// </summary>
public sealed class FolderFileFuzzTests
{
    private const int Dim = 8;
    private const int Iterations = FuzzRun.DefaultIterations / 2;

    /// <summary>Every file of a small folder: rows in a generation with an int8 sidecar, plus WAL records after it.</summary>
    private static Dictionary<string, byte[]> DatabaseFiles(TestFolder folder)
    {
        using (var db = LodeDatabase.Open(folder.Path, new LodeDbOptions { VectorDim = Dim, Rescore = RescoreStorage.Int8 }))
        {
            var random = new Random(5);
            for (int i = 0; i < 12; i++)
            {
                db.AddVector(Vectors.Random(random, Dim), $"r{i}", new Dictionary<string, object?> { ["i"] = i, ["even"] = i % 2 == 0 });
                if (i == 7)
                {
                    db.Persist();
                }
            }
        }

        return Directory.GetFiles(folder.Path).Where(f => Path.GetFileName(f) != "LOCK").ToDictionary(f => Path.GetFileName(f)!, File.ReadAllBytes);
    }

    /// <summary>Writes <paramref name="files"/> into <paramref name="target"/> (replacing what it held).</summary>
    private static void Lay(string target, Dictionary<string, byte[]> files)
    {
        if (Directory.Exists(target))
        {
            Directory.Delete(target, recursive: true);
        }

        Directory.CreateDirectory(target);
        foreach ((string name, byte[] bytes) in files)
        {
            File.WriteAllBytes(Path.Combine(target, name), bytes);
        }
    }

    private static void FuzzDatabaseFile(Func<string, bool> pick)
    {
        using var source = new TestFolder();
        using var scratch = new TestFolder();
        Dictionary<string, byte[]> files = DatabaseFiles(source);
        // The newest matching file (the current generation's; an older one may still be there).
        string target = files.Keys.Where(pick).OrderByDescending(name => File.GetLastWriteTimeUtc(Path.Combine(source.Path, name))).ThenByDescending(name => files[name].Length).First();
        Gen<byte[]> inputs = Gen.Select(ByteMutations.Some, mutations => ByteMutations.Apply(files[target], mutations));
        FuzzRun.Check(
            inputs,
            b => b.Length,
            damaged =>
            {
                Lay(scratch.Path, new Dictionary<string, byte[]>(files) { [target] = damaged });
                using LodeDatabase db = LodeDatabase.OpenReadOnly(scratch.Path);
                db.Count();
                db.SearchByVector(Vectors.Random(new Random(1), Dim), 3);
            },
            e => e is LodeDatabaseException,
            Iterations);
    }

    [Test]
    public void ADamagedRootPointerFailsOnlyWithADatabaseException() =>
        FuzzDatabaseFile(name => name == LodeDatabase.RootFileName);

    [Test]
    public void ADamagedSidecarFailsOnlyWithADatabaseException() =>
        FuzzDatabaseFile(name => name.EndsWith(".rescore", StringComparison.Ordinal));

    [Test]
    public void ADamagedCollectionManifestFailsOnlyWithADatabaseException()
    {
        using var source = new TestFolder();
        using var scratch = new TestFolder();
        using (var collection = LodeCollection.Open(source.Path))
        {
            collection.Space("vectors", new LodeDbOptions { VectorDim = Dim }).AddVector(Vectors.Random(new Random(2), Dim), "v");
            collection.Space("more", new LodeDbOptions { VectorDim = 4, BitWidth = 2 });
        }

        byte[] manifest = File.ReadAllBytes(Path.Combine(source.Path, LodeCollection.ManifestFileName));
        Gen<byte[]> inputs = Gen.Select(ByteMutations.Some, mutations => ByteMutations.Apply(manifest, mutations));
        FuzzRun.Check(
            inputs,
            b => b.Length,
            damaged =>
            {
                if (Directory.Exists(scratch.Path))
                {
                    Directory.Delete(scratch.Path, recursive: true);
                }

                CopyTree(source.Path, scratch.Path);
                File.WriteAllBytes(Path.Combine(scratch.Path, LodeCollection.ManifestFileName), damaged);
                using LodeCollection collection = LodeCollection.Open(scratch.Path, new LodeCollectionOptions { ReadOnly = true });
                foreach (LodeSpaceInfo space in collection.Spaces)
                {
                    collection.Space(space.Name).Count();
                }
            },
            e => e is LodeDatabaseException,
            Iterations);
    }

    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from))
        {
            if (Path.GetFileName(file) != "LOCK")
            {
                File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
            }
        }

        foreach (string dir in Directory.GetDirectories(from))
        {
            CopyTree(dir, Path.Combine(to, Path.GetFileName(dir)));
        }
    }
}
