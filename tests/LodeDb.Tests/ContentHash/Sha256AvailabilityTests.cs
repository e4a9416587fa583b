namespace LodeDb.Tests.ContentHash;

/// <summary>
/// The OpenSSL probe behind content hashes on Linux (.NET aborts the process when it hashes with
/// no libssl). The refusal itself, on a system with no libssl, is exercised by the emulated
/// linux-arm64 consumer app (CrossPlatformConsumerTests): its sysroot has none.
/// </summary>
public sealed class Sha256AvailabilityTests
{
    [Test]
    public void NamesThatDoNotLoadReadAsUnavailable() =>
        Assert.That(Sha256Availability.AnyLoads(["liblodedb-no-such-ssl.so.0", "libssl.so.0.0.0-not-a-version"]), Is.False);

    [Test]
    public void TheProbeFindsThisMachinesOpenSsl()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Ignore("the probe only runs on Linux: other systems hash without OpenSSL");
        }

        // .NET's own prerequisites include OpenSSL on Linux (NuGet restore used it on this machine).
        Assert.That(Sha256Availability.AnyLoads(Sha256Availability.LibSslNames), Is.True);
        Assert.That(LodeContentHash.IsSupported, Is.True, "the public answer is the probe's");
    }

    [Test]
    public void TheRefusalNamesTheFolderAndBothWaysOut()
    {
        var error = Sha256Availability.Unavailable("/data/db");
        Assert.That(error.Message, Does.Contain("'/data/db'").And.Contain("StoreContentHash = false").And.Contain("libssl3"));
    }
}
