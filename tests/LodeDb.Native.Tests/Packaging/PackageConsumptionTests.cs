using System.Text.RegularExpressions;

namespace LodeDb.Native.Tests.Packaging;

/// <summary>
/// Consumes the packed LodeDb from artifacts/packages (the Cake target Pack makes it; Test runs
/// Pack first) in a fresh console app outside the repository that references only `LodeDb`
/// (<see cref="ConsumerApp"/>): it must load liblodedb from the runtime package NuGet restored
/// and add, search, filter, reopen read-only and report an identity mismatch.
/// </summary>
[Category("Packaging")]
public sealed partial class PackageConsumptionTests
{
    [Test]
    [CancelAfter(600_000)]
    public void AppReferencingOnlyLodeDbRunsFromThePackages()
    {
        string version = PackedFeed.RequireVersion();
        using var app = new ConsumerApp(version);

        var (exitCode, output) = app.Run("dotnet", "run", "--configuration", "Release", "--", app.DataFolder);
        TestContext.Out.WriteLine(output);
        Assert.That(exitCode, Is.Zero, output);
        Assert.That(ConsumerApp.ResultLines(output), Is.EqualTo(new[]
        {
            "count=300 top=doc-42",
            "filtered=5 years=" + FilteredYears(output),
            "readonly=True count=300 top=doc-7",
            "readonly-add=ReadOnlyException",
            "mismatch=" + MismatchField(output),
        }), output);
        Assert.That(FilteredYears(output).Split(',').Select(int.Parse), Has.All.GreaterThanOrEqualTo(2025));
        Assert.That(output, Does.Contain("hash=sha256"), "content hashes are kept by default");
        Assert.That(MismatchField(output), Is.Not.EqualTo("none"));
        Assert.That(output, Does.Contain($"rid={NativeLibraryResolver.RuntimeIdentifier} "));

        // Loaded from what NuGet restored (the app's runtimes/<rid>/native copy), not the repository.
        string library = LibraryLine().Match(output).Groups[1].Value.Trim();
        string file = NativeLibraryResolver.FileName;
        Assert.That(library, Does.StartWith(app.Root), output);
        Assert.That(library, Does.EndWith(Path.Combine("runtimes", NativeLibraryResolver.RuntimeIdentifier, "native", file)));
        Assert.That(Directory.GetDirectories(app.PackagesFolder).Select(Path.GetFileName),
            Does.Contain($"lodedb.native.runtime.{NativeLibraryResolver.RuntimeIdentifier}"), "the runtime package came from the local feed");
    }

    private static string FilteredYears(string output) => FilteredLine().Match(output).Groups[1].Value.Trim();

    private static string MismatchField(string output) => MismatchLine().Match(output).Groups[1].Value.Trim();

    [GeneratedRegex(@"library=(.*)")]
    private static partial Regex LibraryLine();

    [GeneratedRegex(@"filtered=5 years=(.*)")]
    private static partial Regex FilteredLine();

    [GeneratedRegex(@"mismatch=(.*)")]
    private static partial Regex MismatchLine();
}
