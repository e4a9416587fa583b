namespace LodeDb.TestSupport;

/// <summary>Fixture folders, found from the repository root (the folder holding LodeDb.Native.sln).</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot(AppContext.BaseDirectory);

    /// <summary>The meaningful BERT-shaped fixture written by tests/fixtures/make_fixtures.py.</summary>
    public static string TextBert => Path.Combine(Root, "tests", "fixtures", "text-bert");

    /// <summary>A model with the wrong input/output names.</summary>
    public static string TextBadIo => Path.Combine(Root, "tests", "fixtures", "text-bad-io");

    private static string FindRoot(string start)
    {
        for (DirectoryInfo? dir = new(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LodeDb.Native.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No repository root (LodeDb.Native.sln) above {start}.");
    }
}
