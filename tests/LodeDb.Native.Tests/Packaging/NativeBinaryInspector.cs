using System.Diagnostics;
using System.Text.RegularExpressions;

namespace LodeDb.Native.Tests.Packaging;

/// <summary>
/// Reads a native library of any of our formats (ELF, PE/COFF, Mach-O) with LLVM's readobj,
/// objdump and nm, which understand every target from this one machine: its format and architecture, its
/// exported functions, the glibc symbol versions and shared libraries it needs.
/// </summary>
internal static partial class NativeBinaryInspector
{
    public const string ReadObj = "llvm-readobj";
    public const string ObjDump = "llvm-objdump";
    public const string Nm = "llvm-nm";

    /// <summary>Null when both tools run; else why not (Debian package llvm).</summary>
    public static string? MissingTools()
    {
        foreach (string tool in new[] { ReadObj, ObjDump, Nm })
        {
            try
            {
                Run(tool, "--version");
            }
            catch (Exception e)
            {
                return $"{tool} cannot run ({e.Message}): apt-get install llvm";
            }
        }
        return null;
    }

    /// <summary>readobj's format: elf64-x86-64, elf64-littleaarch64, COFF-x86-64, COFF-ARM64, Mach-O 64-bit x86-64, Mach-O arm64.</summary>
    public static string Format(string path) =>
        FileFormat().Match(Run(ReadObj, "--file-headers", path)) is { Success: true } m
            ? m.Groups[1].Value.Trim()
            : throw new InvalidDataException($"{ReadObj} --file-headers printed no format for {path}");

    /// <summary>The exported function names (Mach-O's leading underscore removed).</summary>
    public static SortedSet<string> Exports(string path)
    {
        string format = Format(path);
        var names = new SortedSet<string>(StringComparer.Ordinal);
        if (format.StartsWith("elf", StringComparison.Ordinal))
        {
            // "<address> <type> <name>[@version]": defined dynamic symbols (code and data).
            foreach (Match m in NmLine().Matches(Run(Nm, "-D", "--defined-only", path)))
            {
                names.Add(m.Groups[1].Value);
            }
        }
        else if (format.StartsWith("COFF", StringComparison.Ordinal))
        {
            string table = Run(ObjDump, "-p", path);
            int start = table.IndexOf("Export Table:", StringComparison.Ordinal);
            if (start >= 0)
            {
                foreach (Match m in PeExport().Matches(table[start..]))
                {
                    names.Add(m.Groups[1].Value);
                }
            }
        }
        else if (format.StartsWith("Mach-O", StringComparison.Ordinal))
        {
            // The dyld export trie is what a loader sees (nm would also list private externs).
            foreach (Match m in TrieLine().Matches(Run(ObjDump, "--macho", "--exports-trie", path)))
            {
                names.Add(m.Groups[1].Value);
            }
        }
        else
        {
            throw new InvalidDataException($"{path}: unknown format {format}");
        }
        return names;
    }

    /// <summary>GLIBC_x.y versions of the ELF dynamic symbols (objdump -T), highest last.</summary>
    public static IReadOnlyList<Version> GlibcVersions(string path) =>
        GlibcVersion().Matches(Run(ObjDump, "-T", path))
            .Select(m => Version.Parse(m.Groups[1].Value.Contains('.') ? m.Groups[1].Value : m.Groups[1].Value + ".0"))
            .Distinct()
            .Order()
            .ToList();

    /// <summary>ELF DT_NEEDED entries, PE imported DLLs or Mach-O linked dylibs.</summary>
    public static IReadOnlyList<string> NeededLibraries(string path)
    {
        string format = Format(path);
        if (format.StartsWith("elf", StringComparison.Ordinal))
        {
            return ElfNeeded().Matches(Run(ObjDump, "-p", path)).Select(m => m.Groups[1].Value).ToList();
        }
        if (format.StartsWith("COFF", StringComparison.Ordinal))
        {
            return PeImport().Matches(Run(ObjDump, "-p", path)).Select(m => m.Groups[1].Value).Distinct().ToList();
        }
        // Mach-O: the first line is the file, then the install name, then its dependencies.
        return Run(ObjDump, "--macho", "--dylibs-used", path)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Skip(2)
            .Select(line => line.Split(' ')[0])
            .ToList();
    }

    private static string Run(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)} exited with {process.ExitCode}: {stderr.Result}");
        }
        return stdout;
    }

    [GeneratedRegex(@"^Format: (.+)$", RegexOptions.Multiline)]
    private static partial Regex FileFormat();

    [GeneratedRegex(@"^[0-9a-fA-F]+ [TtDdBbRrWwVvi] ([^ @\r\n]+)", RegexOptions.Multiline)]
    private static partial Regex NmLine();

    [GeneratedRegex(@"^\s+\d+\s+0x[0-9a-fA-F]+\s+(\S+)\s*$", RegexOptions.Multiline)]
    private static partial Regex PeExport();

    [GeneratedRegex(@"^0x[0-9A-Fa-f]+\s+_(\S+)", RegexOptions.Multiline)]
    private static partial Regex TrieLine();

    [GeneratedRegex(@"\(?GLIBC_(\d+(?:\.\d+)*)\)?")]
    private static partial Regex GlibcVersion();

    [GeneratedRegex(@"^\s*NEEDED\s+(\S+)", RegexOptions.Multiline)]
    private static partial Regex ElfNeeded();

    [GeneratedRegex(@"DLL Name: (\S+)")]
    private static partial Regex PeImport();
}
