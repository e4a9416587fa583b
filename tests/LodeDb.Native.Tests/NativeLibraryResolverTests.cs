namespace LodeDb.Native.Tests;

/// <summary>The resolver as a package consumer meets it: RIDs it knows and what a missing library says.</summary>
public sealed class NativeLibraryResolverTests
{
    [Test]
    public void ThisProcessRunsOnASupportedRid()
    {
        Assert.That(NativeLibraryResolver.SupportedRuntimeIdentifiers, Does.Contain(NativeLibraryResolver.RuntimeIdentifier));
        Assert.That(NativeLibraryResolver.SupportedRuntimeIdentifiers, Has.Count.EqualTo(8).And.Unique);
    }

    [Test]
    public void MissingLibraryNamesThePackageAndRidNotCMake()
    {
        string rid = NativeLibraryResolver.RuntimeIdentifier;
        string message = NativeLibraryResolver.MissingLibraryMessage(["/nowhere/liblodedb.so"]);
        Assert.That(message, Does.Contain($"LodeDb.Native.runtime.{rid}"));
        Assert.That(message, Does.Contain(rid).And.Contain(NativeLibraryResolver.EnvironmentVariable));
        Assert.That(message, Does.Contain("/nowhere/liblodedb.so"));
        Assert.That(message, Does.Not.Contain("CMake").IgnoreCase);
    }
}
