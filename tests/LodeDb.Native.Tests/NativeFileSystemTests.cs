namespace LodeDb.Native.Tests;

public sealed class NativeFileSystemTests
{
    [Test]
    public void SyncParentDirectoryOfAFileSucceeds()
    {
        string folder = Directory.CreateTempSubdirectory("lodedb-fs-").FullName;
        try
        {
            string path = Path.Combine(folder, "root.json");
            File.WriteAllText(path, "{}");
            Assert.DoesNotThrow(() => NativeFileSystem.SyncParentDirectory(path));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    [Platform(Exclude = "Win", Reason = "on Windows the call has nothing to sync and returns at once")]
    public void AMissingDirectoryIsAnIOErrorNamingIt()
    {
        string path = Path.Combine(Path.GetTempPath(), $"lodedb-missing-{Guid.NewGuid():N}", "root.json");
        var e = Assert.Throws<LodeDbIOException>(() => NativeFileSystem.SyncParentDirectory(path));
        Assert.That(e!.NativeMessage, Does.Contain("lodedb-missing-"));
    }

    [Test]
    public void AnEmptyPathIsRejected() =>
        Assert.Throws<LodeDbArgumentException>(() => NativeFileSystem.SyncParentDirectory(""));
}
