using System.Security.Cryptography;

namespace LodeDb.Tests;

/// <summary>Every file of a folder with its SHA-256: a failed open must leave it as it was.</summary>
internal static class FolderSnapshot
{
    public static Dictionary<string, string> Take(string folder) =>
        Directory.GetFiles(folder)
            .Where(f => Path.GetFileName(f) != "LOCK" && !f.EndsWith(".pin", StringComparison.Ordinal))
            .ToDictionary(f => Path.GetFileName(f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));
}
