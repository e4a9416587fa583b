namespace LodeDb.Native.Tests;

/// <summary>Files of the repository the tests read (the header, the generated file, artifacts/).</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } =
        FindRepositoryRoot(AppContext.BaseDirectory)
        ?? throw new InvalidOperationException($"No repository root (native/CMakeLists.txt) above {AppContext.BaseDirectory}.");

    public static string Header => Path.Combine(Root, "native", "include", "lodedb", "lodedb.h");

    public static string GeneratedBindings => Path.Combine(Root, "bindings", "LodeDb.Native", "Generated", "NativeMethods.g.cs");

    public static string Packages => Path.Combine(Root, "artifacts", "packages");

    /// <summary>Walks up from <paramref name="start"/> to the folder holding native/CMakeLists.txt.</summary>
    private static string? FindRepositoryRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "native", "CMakeLists.txt")))
            {
                return dir.FullName;
            }
        }
        return null;
    }
}
