using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using LodeDb.Native.Interop;

namespace LodeDb.Native.Tests;

/// <summary>
/// Fails when lodedb.h and the generated bindings disagree, without running Python: the
/// generated file records the header's SHA-256 (line endings normalised to LF, as the
/// generator does), and every LODEDB_API function of the header must have exactly one
/// LibraryImport with that entry point, in the generated source and in the compiled assembly.
/// Fix: /usr/bin/python3 bindings/generator/generate_bindings.py
/// </summary>
public sealed partial class HeaderDriftTests
{
    private const string Fix = "the header and bindings/LodeDb.Native/Generated/NativeMethods.g.cs drifted apart; run /usr/bin/python3 bindings/generator/generate_bindings.py";

    [Test]
    public void GeneratedFileRecordsTheHeadersHash()
    {
        string generated = File.ReadAllText(RepositoryPaths.GeneratedBindings);
        Match recorded = RecordedHash().Match(generated);
        Assert.That(recorded.Success, Is.True, "the generated file's first line must carry sha256=<hex>");

        byte[] header = File.ReadAllBytes(RepositoryPaths.Header);
        string actual = Convert.ToHexStringLower(SHA256.HashData(NormaliseLineEndings(header)));
        Assert.That(recorded.Groups[1].Value, Is.EqualTo(actual), Fix);
    }

    [Test]
    public void EveryHeaderFunctionHasOneImportInTheGeneratedFile()
    {
        var declared = HeaderFunctions();
        var imported = GeneratedEntryPoints().ToList();

        Assert.That(declared, Is.Not.Empty);
        Assert.That(imported, Is.Unique, "an entry point imported twice");
        Assert.Multiple(() =>
        {
            Assert.That(declared.Except(imported), Is.Empty, "declared in lodedb.h but not imported: " + Fix);
            Assert.That(imported.Except(declared), Is.Empty, "imported but no longer in lodedb.h: " + Fix);
        });
    }

    [Test]
    public void CompiledImportsMatchTheHeader()
    {
        // Catches a generated file that was edited or regenerated without rebuilding.
        var compiled = typeof(NativeMethods)
            .GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Select(m => m.GetCustomAttribute<LibraryImportAttribute>())
            .Where(a => a is not null)
            .Select(a => a!.EntryPoint!)
            .ToHashSet();
        Assert.That(compiled, Is.EquivalentTo(HeaderFunctions()), Fix);
    }

    [Test]
    public void EveryHeaderConstantIsGenerated()
    {
        string header = File.ReadAllText(RepositoryPaths.Header);
        string[] plumbing = ["LODEDB_API", "LODEDB_LODEDB_H", "LODEDB_BUILDING_LIBRARY"];
        var macros = DefineLine().Matches(header)
            .Select(m => m.Groups[1].Value)
            .Where(name => !plumbing.Contains(name))
            .Select(name => Pascal(name["LODEDB_".Length..]))
            .ToHashSet();
        var constants = typeof(NativeConstants).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .Select(f => f.Name)
            .ToHashSet();
        Assert.That(constants, Is.EquivalentTo(macros), Fix);
        Assert.That(NativeConstants.NoSlot, Is.EqualTo(ulong.MaxValue));
    }

    internal static HashSet<string> HeaderFunctions() =>
        ApiFunction().Matches(File.ReadAllText(RepositoryPaths.Header)).Select(m => m.Groups[1].Value).ToHashSet();

    private static IEnumerable<string> GeneratedEntryPoints() =>
        EntryPoint().Matches(File.ReadAllText(RepositoryPaths.GeneratedBindings)).Select(m => m.Groups[1].Value);

    private static byte[] NormaliseLineEndings(byte[] data) =>
        Encoding.Latin1.GetBytes(Encoding.Latin1.GetString(data).Replace("\r\n", "\n"));

    private static string Pascal(string upperSnake) =>
        string.Concat(upperSnake.Split('_', StringSplitOptions.RemoveEmptyEntries)
            .Select(part => part[..1] + part[1..].ToLowerInvariant()));

    [GeneratedRegex(@"sha256=([0-9a-f]{64})")]
    private static partial Regex RecordedHash();

    // A declaration: LODEDB_API <return type> lodedb_name( ... possibly over several lines.
    [GeneratedRegex(@"LODEDB_API\s[^;(]*?\b(lodedb_\w+)\s*\(")]
    private static partial Regex ApiFunction();

    [GeneratedRegex(@"\[LibraryImport\([^)]*EntryPoint\s*=\s*""(\w+)""")]
    private static partial Regex EntryPoint();

    [GeneratedRegex(@"^\s*#\s*define\s+(LODEDB_\w+)[ \t]+\S", RegexOptions.Multiline)]
    private static partial Regex DefineLine();
}
