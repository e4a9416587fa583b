using System.Text.RegularExpressions;

namespace LodeDb.Native.Tests.Packaging;

/// <summary>
/// The same LodeDb-only consumer app (<see cref="ConsumerApp"/>), published self-contained for
/// win-x64 and run under wine64, and for linux-arm64 and run under qemu-aarch64 (Debian's arm64
/// sysroot as -L, invariant globalization: no ICU for arm64 here): each loads the native library
/// its RID's runtime package brought and prints the same database results as on linux-x64.
/// </summary>
[Category("Packaging")]
public sealed partial class CrossPlatformConsumerTests
{
    private static readonly string[] Expected =
    [
        "count=300 top=doc-42",
        "readonly=True count=300 top=doc-7",
        "readonly-add=ReadOnlyException",
    ];

    [TestCase("win-x64")]
    [TestCase("linux-arm64")]
    [CancelAfter(900_000)]
    public void SelfContainedPublishRunsUnderAnEmulator(string rid)
    {
        if (Environment.GetEnvironmentVariable("LODEDB_EMULATED_TESTS") == "0")
        {
            Assert.Ignore("emulated runs are off (dotnet cake --cross=false)");
        }
        string version = PackedFeed.RequireVersion();
        string? emulator = rid == "win-x64" ? FindWine() : FindOnPath("qemu-aarch64");
        if (emulator is null)
        {
            PackedFeed.RequirePacked(rid == "win-x64"
                ? "wine64 not found (apt-get install wine64; Debian puts it in /usr/lib/wine)"
                : "qemu-aarch64 not found (apt-get install qemu-user)");
        }
        if (rid == "linux-arm64" && !File.Exists("/usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1"))
        {
            PackedFeed.RequirePacked("no arm64 sysroot in /usr/aarch64-linux-gnu (apt-get install libc6-arm64-cross)");
        }

        using var app = new ConsumerApp(version);
        string publish = Path.Combine(app.Root, "publish");
        var (publishCode, publishOutput) = app.Run("dotnet", "publish", "--configuration", "Release", "--runtime", rid,
            "--self-contained", "-p:InvariantGlobalization=true", "--output", publish);
        Assert.That(publishCode, Is.Zero, publishOutput);

        string file = rid == "win-x64" ? "liblodedb.dll" : "liblodedb.so";
        Assert.That(Path.Combine(publish, file), Does.Exist, "publish copies the RID's native library next to the app");

        (int code, string output) = rid == "win-x64"
            ? app.Run(emulator!, new Dictionary<string, string>
            {
                ["WINEPREFIX"] = Path.Combine(RepositoryPaths.Root, "artifacts", "toolchains", "wine-prefix"),
                ["WINEDEBUG"] = "-all",
            }, Path.Combine(publish, "Consumer.exe"), "Z:" + app.DataFolder.Replace('/', '\\'))
            : app.Run(emulator!, new Dictionary<string, string> { ["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1" },
                "-L", "/usr/aarch64-linux-gnu", Path.Combine(publish, "Consumer"), app.DataFolder);
        TestContext.Out.WriteLine(output);
        Assert.That(code, Is.Zero, output);

        var lines = ConsumerApp.ResultLines(output);
        Assert.That(lines, Is.SupersetOf(Expected), output);
        Assert.That(lines.Single(l => l.StartsWith("filtered=", StringComparison.Ordinal)), Does.StartWith("filtered=5 years="));
        Assert.That(lines.Single(l => l.StartsWith("mismatch=", StringComparison.Ordinal)), Is.Not.EqualTo("mismatch=none"));
        Assert.That(output, Does.Contain($"rid={rid} "));
        // The arm64 sysroot (libc6-arm64-cross) has no OpenSSL, which .NET's SHA-256 needs on
        // Linux (a real arm64 Linux has it, as a .NET prerequisite): the default open is refused
        // there with a typed error before anything is written, and the app goes on without hashes.
        Assert.That(output, Does.Contain(rid == "win-x64" ? "hash=sha256" : "hash=none"), "hashes are kept where the platform's cryptography is there");
        if (rid != "win-x64")
        {
            Assert.That(output, Does.Contain("hash-open=refused written=False"), output);
        }

        string library = LibraryLine().Match(output).Groups[1].Value.Trim();
        Assert.That(library, Does.EndWith(file), output);
    }

    private static string? FindWine() =>
        new[] { Environment.GetEnvironmentVariable("LODEDB_WINE"), "/usr/lib/wine/wine64", "/usr/lib/x86_64-linux-gnu/wine/wine64" }
            .FirstOrDefault(path => !string.IsNullOrEmpty(path) && File.Exists(path));

    private static string? FindOnPath(string executable) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, executable))
            .FirstOrDefault(File.Exists);

    [GeneratedRegex(@"library=(.*)")]
    private static partial Regex LibraryLine();
}
